//! `cargo xtask bench`: throughput and peak memory, printed next to baselines measured in the
//! same run on the same files.
//!
//! - Detection: MB/s of `Engine::detect_all` on mixed Chinese text, with and without personal
//!   data, on one core.
//! - Corpus: 1,000+ generated disclosure documents (CSV, text, DOCX, XLSX, PDF); `docsan
//!   sanitize` (which verifies every output) with -j1 and -j2, against `pdftotext` plus
//!   `unzip -p` plus `cat` reading the same files with two workers; each twice, interleaved,
//!   the faster time of each kept.
//! - Large files: a 200-page PDF, a 100k-row sheet, a ~300-page DOCX and a 100k-row CSV, each
//!   sanitized three times (the median time shown, the highest peak) with its peak memory
//!   against the target of 4x the input plus 100 MB.
//!
//! Large files show MB/s of the file and of its content (the uncompressed members of a zip
//! package, which is what has to be parsed, rewritten and verified).
//!
//! Peak memory is read from `/proc/PID/status` (VmHWM) while the child runs.

use anyhow::Context as _;
use docsan::core::{Detector, Location, TextUnit, UnitContext, UnitId, UnitKind};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// How many times the corpus runs and its baseline are measured (the fastest kept).
const ROUNDS: usize = 2;

/// How many times each large file is sanitized (the median time kept, the highest peak).
const LARGE_ROUNDS: usize = 3;

/// Runs a command, returning (wall time, peak RSS in bytes, success).
fn measure(cmd: &mut Command) -> anyhow::Result<(Duration, u64, bool)> {
    let t = Instant::now();
    let mut child = cmd
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .context("spawn")?;
    let status_path = format!("/proc/{}/status", child.id());
    let mut peak = 0u64;
    loop {
        if let Ok(s) = std::fs::read_to_string(&status_path) {
            for line in s.lines() {
                if let Some(v) = line.strip_prefix("VmHWM:") {
                    let kb: u64 = v.trim().trim_end_matches("kB").trim().parse().unwrap_or(0);
                    peak = peak.max(kb * 1024);
                }
            }
        }
        if let Some(st) = child.try_wait()? {
            return Ok((t.elapsed(), peak, st.success()));
        }
        std::thread::sleep(Duration::from_millis(5));
    }
}

/// The bytes a reader has to parse: the uncompressed size of every member of a zip package
/// (DOCX, XLSX), the file size otherwise.
fn content_size(path: &Path) -> u64 {
    let Ok(bytes) = std::fs::read(path) else {
        return 0;
    };
    match zip::ZipArchive::new(std::io::Cursor::new(&bytes)) {
        Ok(mut z) => (0..z.len())
            .filter_map(|i| z.by_index_raw(i).ok().map(|f| f.size()))
            .sum(),
        Err(_) => bytes.len() as u64,
    }
}

fn write(path: &Path, bytes: &[u8]) -> anyhow::Result<()> {
    if let Some(p) = path.parent() {
        std::fs::create_dir_all(p)?;
    }
    std::fs::write(path, bytes)?;
    Ok(())
}

/// Generates the mixed corpus (deterministic) and the large files.
fn generate(dir: &Path) -> anyhow::Result<(Vec<PathBuf>, Vec<PathBuf>)> {
    use docsan_tests::samples as s;
    let corpus = dir.join("corpus");
    let mut files = Vec::new();
    for i in 0..1040u64 {
        let n = 10 + (i % 40) as usize;
        let people = s::people(1000 + i, n);
        let (name, bytes) = match i % 13 {
            0..=3 => (format!("{i:04}.csv"), s::subsidy_csv(&people).into_bytes()),
            4 => (format!("{i:04}.txt"), s::notice_txt(&people).into_bytes()),
            5..=7 => (format!("{i:04}.docx"), s::roster_docx(&people)),
            8..=10 => (format!("{i:04}.xlsx"), s::compensation_xlsx(&people)),
            _ => (
                format!("{i:04}.pdf"),
                s::long_pdf(2000 + i, 1 + (i % 3) as usize, 30),
            ),
        };
        let p = corpus.join(format!("d{}", i % 10)).join(name);
        write(&p, &bytes)?;
        files.push(p);
    }
    let large = dir.join("large");
    let big = vec![
        (large.join("200-pages.pdf"), s::long_pdf(7, 200, 40)),
        (
            large.join("100k-rows.xlsx"),
            docsan_xlsx::generate_large_sheet(100_000),
        ),
        (
            large.join("300-pages.docx"),
            s::roster_docx(&s::people(8, 9_000)),
        ),
        // Not asked for by the issue, measured because archives hold large CSV exports too.
        (
            large.join("100k-rows.csv"),
            s::subsidy_csv(&s::people(9, 100_000)).into_bytes(),
        ),
    ];
    let mut bigs = Vec::new();
    for (p, b) in big {
        write(&p, &b)?;
        bigs.push(p);
    }
    Ok((files, bigs))
}

/// Reads every file the way a plain reader would, with `workers` processes at a time.
fn baseline(files: &[PathBuf], workers: usize) -> anyhow::Result<Duration> {
    let t = Instant::now();
    let chunks: Vec<Vec<PathBuf>> = (0..workers)
        .map(|w| files.iter().skip(w).step_by(workers).cloned().collect())
        .collect();
    std::thread::scope(|sc| {
        for chunk in &chunks {
            sc.spawn(move || {
                for f in chunk {
                    let ext = f.extension().and_then(|e| e.to_str()).unwrap_or("");
                    let mut cmd = match ext {
                        "pdf" => {
                            let mut c = Command::new("pdftotext");
                            c.arg("-q").arg(f).arg("-");
                            c
                        }
                        "docx" | "xlsx" => {
                            let mut c = Command::new("unzip");
                            c.arg("-p").arg(f);
                            c
                        }
                        _ => {
                            let mut c = Command::new("cat");
                            c.arg(f);
                            c
                        }
                    };
                    let _ = cmd.stdout(Stdio::null()).stderr(Stdio::null()).status();
                }
            });
        }
    });
    Ok(t.elapsed())
}

fn detection_bench() -> Vec<(String, f64)> {
    let engine = match docsan_detect::Engine::new(&docsan::core::Policy::default()) {
        Ok(e) => e,
        Err(_) => return Vec::new(),
    };
    let mut out = Vec::new();
    for (label, every) in [
        ("detect, text without personal data", 0usize),
        ("detect, text with personal data (1 in 8 paragraphs)", 8),
    ] {
        let text = docsan_detect::bench_text(16 << 20, every);
        let units: Vec<TextUnit> = text
            .lines()
            .enumerate()
            .map(|(i, l)| {
                TextUnit::new(
                    UnitId(i as u32),
                    l,
                    UnitContext::new(UnitKind::Body, Location::default()),
                )
            })
            .collect();
        let _ = engine.detect_all(&units[..units.len().min(1000)]);
        let t = Instant::now();
        let n = engine.detect_all(&units).len();
        let secs = t.elapsed().as_secs_f64();
        std::hint::black_box(n);
        out.push((label.to_string(), text.len() as f64 / 1e6 / secs));
    }
    out
}

pub fn run() -> anyhow::Result<()> {
    let root = docsan_tests::repo_root();
    let status = Command::new("cargo")
        .args(["build", "--release", "--quiet", "-p", "docsan-cli"])
        .current_dir(&root)
        .status()
        .context("cargo build")?;
    anyhow::ensure!(status.success(), "building docsan failed");
    let exe = root.join("target/release/docsan");
    let dir = root.join("target/bench");
    let _ = std::fs::remove_dir_all(&dir);
    println!("generating the benchmark corpus in {} …", dir.display());
    let (files, bigs) = generate(&dir)?;
    let total: u64 = files
        .iter()
        .map(|f| std::fs::metadata(f).map(|m| m.len()).unwrap_or(0))
        .sum();

    println!("\n{:<58} {:>12}", "detection (1 core)", "MB/s");
    for (label, mbs) in detection_bench() {
        println!("{label:<58} {mbs:>12.1}");
    }

    let have_tools = Command::new("pdftotext")
        .arg("-v")
        .stderr(Stdio::null())
        .status()
        .is_ok()
        && Command::new("unzip")
            .arg("-v")
            .stdout(Stdio::null())
            .status()
            .is_ok();
    // Each of the three runs twice, interleaved, the faster time kept: the machine's speed
    // drifts by tens of percent within minutes, and the ratio and the scaling compare runs
    // made at different moments.
    let mut base: Option<Duration> = None;
    let mut rows: Vec<(usize, Duration, u64, bool)> = Vec::new();
    for _ in 0..ROUNDS {
        for j in [1, 2] {
            let out = dir.join(format!("out-j{j}"));
            let (t, peak, ok) = measure(
                Command::new(&exe)
                    .arg("sanitize")
                    .arg(dir.join("corpus"))
                    .arg("-o")
                    .arg(&out)
                    .args(["--quiet", "--no-journal", "--force", "-j", &j.to_string()]),
            )?;
            match rows.iter_mut().find(|r| r.0 == j) {
                Some(r) => *r = (j, r.1.min(t), r.2.max(peak), r.3 && ok),
                None => rows.push((j, t, peak, ok)),
            }
        }
        if have_tools {
            let b = baseline(&files, 2)?;
            base = Some(base.map_or(b, |x| x.min(b)));
        }
    }
    println!(
        "\n{:<40} {:>8} {:>9} {:>9} {:>10} {:>8}",
        format!(
            "corpus: {} files, {:.1} MB",
            files.len(),
            total as f64 / 1e6
        ),
        "secs",
        "files/s",
        "MB/s",
        "peak MB",
        "all ok"
    );
    for (j, t, peak, ok) in &rows {
        let s = t.as_secs_f64();
        println!(
            "{:<40} {:>8.2} {:>9.1} {:>9.2} {:>10.1} {:>8}",
            format!("docsan sanitize+verify -j{j}"),
            s,
            files.len() as f64 / s,
            total as f64 / 1e6 / s,
            *peak as f64 / 1e6,
            ok
        );
    }
    if let Some(b) = base {
        let s = b.as_secs_f64();
        println!(
            "{:<40} {:>8.2} {:>9.1} {:>9.2}",
            "baseline: pdftotext + unzip -p + cat, 2 workers",
            s,
            files.len() as f64 / s,
            total as f64 / 1e6 / s
        );
        if let Some((_, t2, _, _)) = rows.iter().find(|r| r.0 == 2) {
            println!(
                "ratio docsan -j2 / baseline: {:.2} (target <= 1.0)",
                t2.as_secs_f64() / s
            );
        }
    } else {
        println!("baseline skipped: pdftotext or unzip not installed");
    }
    if let (Some(a), Some(b)) = (
        rows.iter().find(|r| r.0 == 1),
        rows.iter().find(|r| r.0 == 2),
    ) {
        println!(
            "scaling -j1 / -j2: {:.2}x (target >= 1.8)",
            a.1.as_secs_f64() / b.1.as_secs_f64()
        );
    }

    println!(
        "\n{:<28} {:>9} {:>8} {:>9} {:>12} {:>10} {:>12} {:>7}",
        "large file (median of 3)",
        "size MB",
        "secs",
        "MB/s",
        "content MB/s",
        "peak MB",
        "target MB",
        "ok"
    );
    let mut verify_rows = Vec::new();
    for f in &bigs {
        let size = std::fs::metadata(f)?.len();
        let out = dir.join("out-large");
        // Three runs: the median time (one run on a shared machine varied by a third), the
        // highest peak, and every run must succeed.
        let mut times = Vec::new();
        let (mut peak, mut ok) = (0u64, true);
        for _ in 0..LARGE_ROUNDS {
            let (t, p, o) = measure(
                Command::new(&exe)
                    .arg("sanitize")
                    .arg(f)
                    .arg("-o")
                    .arg(&out)
                    .args(["--quiet", "--no-journal", "--force"]),
            )?;
            times.push(t);
            peak = peak.max(p);
            ok &= o;
        }
        times.sort_unstable();
        let t = times[times.len() / 2];
        let target = 4 * size + 100_000_000;
        // `verify` on the original (the release gate finding everything) must scale too.
        let (vt, vpeak, _) = measure(Command::new(&exe).arg("verify").arg(f).arg("--quiet"))?;
        verify_rows.push((
            f.file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default(),
            vt,
            vpeak,
        ));
        println!(
            "{:<28} {:>9.1} {:>8.2} {:>9.2} {:>12.2} {:>10.1} {:>12.1} {:>7}",
            f.file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default(),
            size as f64 / 1e6,
            t.as_secs_f64(),
            size as f64 / 1e6 / t.as_secs_f64(),
            content_size(f) as f64 / 1e6 / t.as_secs_f64(),
            peak as f64 / 1e6,
            target as f64 / 1e6,
            ok
        );
    }
    println!(
        "\n{:<28} {:>8} {:>10}",
        "verify, original (all found)", "secs", "peak MB"
    );
    for (name, t, peak) in verify_rows {
        println!(
            "{:<28} {:>8.2} {:>10.1}",
            name,
            t.as_secs_f64(),
            peak as f64 / 1e6
        );
    }
    Ok(())
}
