//! The `docsan` binary: argument parsing, folder walking, parallel processing, atomic output,
//! the resume journal, progress and reports. Only this crate knows threads, terminals and
//! JSON output; the pipeline itself is `docsan::Sanitizer`.

mod args;
mod journal;
mod output;
mod walk;

use anyhow::Context as _;
use args::{Cli, Command, Common, Others, OutputFormat};
use clap::Parser;
use docsan::core::{Diagnostic, Limits, Policy};
use docsan::{FileReport, Options, Sanitizer, Status};
use indicatif::{ProgressBar, ProgressStyle};
use output::FileResult;
use rayon::prelude::*;
use sha2::{Digest, Sha256};
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Instant;

fn main() {
    // Before any thread: large blocks freed go back to the system (see docsan-malloc).
    docsan_malloc::fix_mmap_threshold();
    let cli = match Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            let code = if e.use_stderr() { 2 } else { 0 };
            let _ = e.print();
            std::process::exit(code);
        }
    };
    match run(cli) {
        Ok(code) => std::process::exit(code),
        Err(e) => {
            eprintln!("docsan: error: {e:#}");
            std::process::exit(2);
        }
    }
}

fn run(cli: Cli) -> anyhow::Result<i32> {
    match cli.command {
        Command::Scan(a) => run_files("scan", &a.common, scan_one),
        Command::Verify(a) => {
            let against = a.against.clone();
            run_files("verify", &a.common, move |ctx, job| {
                verify_one(ctx, job, against.as_deref())
            })
        }
        Command::Sanitize(a) => {
            std::fs::create_dir_all(&a.output)
                .with_context(|| format!("cannot create output folder {}", a.output.display()))?;
            let journal = if a.no_journal {
                None
            } else {
                let shard = a
                    .common
                    .shard
                    .as_deref()
                    .map(args::parse_shard)
                    .transpose()
                    .map_err(anyhow::Error::msg)?;
                Some(
                    journal::Journal::open(&a.output, shard)
                        .context("cannot open the journal in the output folder")?,
                )
            };
            let out = SanitizeTarget {
                dir: a.output.clone(),
                force: a.force,
                others: a.others,
                journal,
                fsync: a.fsync,
            };
            run_files("sanitize", &a.common, move |ctx, job| {
                sanitize_one(ctx, job, &out)
            })
        }
    }
}

/// What every job needs.
struct Ctx {
    sanitizer: Sanitizer,
    common: Common,
    fingerprint: String,
}

struct SanitizeTarget {
    dir: PathBuf,
    force: bool,
    others: Others,
    journal: Option<journal::Journal>,
    fsync: bool,
}

fn load_options(c: &Common) -> anyhow::Result<(Options, String)> {
    let (policy, policy_text) = match &c.policy {
        Some(p) => {
            let text = std::fs::read_to_string(p)
                .with_context(|| format!("cannot read policy {}", p.display()))?;
            (
                Policy::from_toml(&text).map_err(|e| anyhow::anyhow!("{}: {e}", p.display()))?,
                text,
            )
        }
        None => (Policy::default(), String::new()),
    };
    let mut policy = policy;
    if policy.pseudonym_key.is_none() {
        if let Ok(k) = std::env::var("DOCSAN_PSEUDONYM_KEY") {
            policy.pseudonym_key = Some(k);
        }
    }
    let limits = Limits {
        max_input_bytes: c.max_file_mib.saturating_mul(1 << 20),
        ..Limits::default()
    };
    let fingerprint = {
        let mut h = Sha256::new();
        h.update(env!("CARGO_PKG_VERSION").as_bytes());
        h.update(policy_text.as_bytes());
        h.update([c.strict as u8]);
        h.update(c.max_file_mib.to_le_bytes());
        hex(&h.finalize()[..8])
    };
    let time_budget = (c.timeout > 0).then(|| std::time::Duration::from_secs(c.timeout));
    Ok((
        Options {
            policy,
            limits,
            strict: c.strict,
            time_budget,
            list_limit: (c.list_limit > 0).then_some(c.list_limit),
            stream_from: c.stream_from_kib.map(|k| k.saturating_mul(1024)),
        },
        fingerprint,
    ))
}

fn hex(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02x}")).collect()
}

fn run_files<F>(command: &str, common: &Common, one: F) -> anyhow::Result<i32>
where
    F: Fn(&Ctx, &walk::Job) -> FileResult + Sync,
{
    let started = Instant::now();
    let (options, fingerprint) = load_options(common)?;
    let sanitizer = Sanitizer::new(options).map_err(|e| anyhow::anyhow!("{e}"))?;
    let shard = common
        .shard
        .as_deref()
        .map(args::parse_shard)
        .transpose()
        .map_err(anyhow::Error::msg)?;
    let (mut jobs, notes) = walk::collect(&common.paths)?;
    if let Some((k, n)) = shard {
        jobs.retain(|j| walk::shard_of(&j.rel, n) == k);
    }
    if !common.quiet {
        for n in &notes {
            eprintln!("note: {}: {}", n.path.display(), n.message);
        }
    }
    let ctx = Ctx {
        sanitizer,
        common: common.clone(),
        fingerprint,
    };
    let threads = common.jobs.unwrap_or(0);
    let progress = Progress::new(jobs.len() as u64, common.quiet);
    let run_one = |job: &walk::Job| {
        let r = one(&ctx, job);
        progress.done(&r, &ctx.common);
        r
    };
    // The pool holds `-j` threads (all cores by default). One file, or one worker: the files
    // are taken one after another, and the pool runs detection's chunks inside each file (a
    // one-thread pool runs them in order).
    // The main thread is one of the pool's threads: one file then runs on it, and its memory
    // comes from the main allocator arena, not a second one beside it (about 10 MB less peak
    // on a 100k-row sheet).
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .use_current_thread()
        .build()
        .context("thread pool")?;
    let results: Vec<FileResult> = if jobs.len() <= 1 || threads == 1 {
        pool.install(|| jobs.iter().map(run_one).collect())
    } else {
        pool.install(|| jobs.par_iter().map(run_one).collect())
    };
    progress.finish();
    let any_failed = results.iter().any(FileResult::is_failed);
    let any_found = results.iter().any(FileResult::is_found);
    let code = match command {
        "sanitize" => i32::from(any_failed),
        _ => i32::from(any_failed || any_found),
    };
    let show = common.show_values;
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    match common.format {
        OutputFormat::Text => {}
        OutputFormat::Json => writeln!(
            out,
            "{}",
            serde_json::to_string_pretty(&output::run_json(command, &results, show, code))?
        )?,
        OutputFormat::Jsonl => {
            for r in &results {
                writeln!(
                    out,
                    "{}",
                    serde_json::to_string(&output::result_json(r, show))?
                )?;
            }
        }
        OutputFormat::Sarif => writeln!(
            out,
            "{}",
            serde_json::to_string_pretty(&output::sarif(&results, show))?
        )?,
    }
    if let Some(path) = &common.report {
        let json = serde_json::to_string_pretty(&output::run_json(command, &results, show, code))?;
        write_atomic(path, json.as_bytes(), true, true)
            .with_context(|| format!("cannot write report {}", path.display()))?;
    }
    if !common.quiet {
        eprint!(
            "{}",
            output::run_summary(&results, started.elapsed().as_secs_f64())
        );
        let verdict = match (command, code) {
            (_, 0) => "ok: nothing personal left",
            ("sanitize", _) => {
                "FAILED: some files could not be sanitized; no output was written for them"
            }
            _ => "FOUND: personal data present, or a file could not be checked",
        };
        eprintln!("{verdict}");
    }
    Ok(code)
}

/// A progress bar on a terminal, plain periodic lines otherwise, nothing with `--quiet`.
struct Progress {
    bar: Option<ProgressBar>,
    total: u64,
    done: AtomicU64,
    failed: AtomicU64,
    bytes: AtomicU64,
    last_line: Mutex<Instant>,
    start: Instant,
    quiet: bool,
}

impl Progress {
    fn new(total: u64, quiet: bool) -> Progress {
        let bar = (!quiet && std::io::stderr().is_terminal() && total > 1).then(|| {
            let b = ProgressBar::new(total);
            b.set_style(
                ProgressStyle::with_template(
                    "{bar:30} {pos}/{len} files, {msg} [{elapsed} < {eta}]",
                )
                .unwrap_or_else(|_| ProgressStyle::default_bar()),
            );
            b
        });
        Progress {
            bar,
            total,
            done: AtomicU64::new(0),
            failed: AtomicU64::new(0),
            bytes: AtomicU64::new(0),
            last_line: Mutex::new(Instant::now()),
            start: Instant::now(),
            quiet,
        }
    }

    fn done(&self, r: &FileResult, common: &Common) {
        let done = self.done.fetch_add(1, Ordering::Relaxed) + 1;
        if r.is_failed() {
            self.failed.fetch_add(1, Ordering::Relaxed);
        }
        let bytes = self.bytes.fetch_add(r.bytes, Ordering::Relaxed) + r.bytes;
        if self.quiet {
            return;
        }
        let per_file = output::file_summary(r, common.show_values);
        let rate = bytes as f64 / 1e6 / self.start.elapsed().as_secs_f64().max(1e-3);
        let failed = self.failed.load(Ordering::Relaxed);
        match &self.bar {
            Some(b) => {
                b.println(per_file);
                b.set_message(format!(
                    "{failed} failed, {:.1} MB, {rate:.1} MB/s",
                    bytes as f64 / 1e6
                ));
                b.inc(1);
            }
            None => {
                eprintln!("{per_file}");
                if self.total > 50 {
                    if let Ok(mut last) = self.last_line.lock() {
                        if last.elapsed().as_secs() >= 10 {
                            *last = Instant::now();
                            eprintln!(
                                "progress: {done}/{} files, {failed} failed, {rate:.1} MB/s",
                                self.total
                            );
                        }
                    }
                }
            }
        }
    }

    fn finish(&self) {
        if let Some(b) = &self.bar {
            b.finish_and_clear();
        }
    }
}

fn display_path(p: &Path) -> String {
    p.display().to_string()
}

/// Reads a file within the size limit.
fn read_input(ctx: &Ctx, path: &Path) -> Result<Vec<u8>, String> {
    let meta = std::fs::metadata(path).map_err(|e| format!("cannot read: {e}"))?;
    let max = ctx.sanitizer.options().limits.max_input_bytes;
    if meta.len() > max {
        return Err(format!(
            "limit: file is larger than {} MiB (--max-file-mib)",
            max >> 20
        ));
    }
    std::fs::read(path).map_err(|e| format!("cannot read: {e}"))
}

fn io_failure(job: &walk::Job, bytes: u64, note: String) -> FileResult {
    FileResult {
        path: display_path(&job.path),
        output: None,
        status: "failed".into(),
        bytes,
        millis: 0,
        report: None,
        note: Some(note),
    }
}

fn status_str(s: Status) -> String {
    s.as_str().to_string()
}

/// Files in a walked folder that are not documents at all (images, other archives, binaries)
/// are skipped rather than failed; legacy and encrypted Office files still fail.
fn not_a_document(report: &FileReport) -> bool {
    report.format.is_none()
        && report.error.as_ref().is_some_and(|e| {
            e.kind == "unsupported"
                && (e.message.contains("image")
                    || e.message.contains("archive")
                    || e.message.contains("unknown binary"))
        })
}

fn skipped(
    job: &walk::Job,
    bytes: u64,
    millis: u64,
    report: FileReport,
    strict: bool,
) -> FileResult {
    let reason = report
        .error
        .as_ref()
        .map(|e| e.message.clone())
        .unwrap_or_default();
    let mut report = report;
    report.error = None;
    report.status = Status::Clean;
    report.diagnostics.push(Diagnostic::warning(
        "not-a-document",
        format!("not a document, not checked: {reason}"),
    ));
    FileResult {
        path: display_path(&job.path),
        output: None,
        status: if strict {
            "failed".into()
        } else {
            "skipped".into()
        },
        bytes,
        millis,
        note: Some(format!("skipped: not a document ({reason})")),
        report: Some(report),
    }
}

fn scan_one(ctx: &Ctx, job: &walk::Job) -> FileResult {
    let t = Instant::now();
    let bytes = match read_input(ctx, &job.path) {
        Ok(b) => b,
        Err(e) => return io_failure(job, 0, e),
    };
    let name = job.path.to_string_lossy();
    let report = ctx.sanitizer.scan(&bytes, Some(&name));
    checked(ctx, job, bytes.len() as u64, t, report)
}

/// The result of a scan or verify: skipped when a walked file is not a document at all.
fn checked(
    ctx: &Ctx,
    job: &walk::Job,
    size: u64,
    started: Instant,
    report: FileReport,
) -> FileResult {
    let millis = started.elapsed().as_millis() as u64;
    if job.from_walk && not_a_document(&report) {
        return skipped(job, size, millis, report, ctx.common.strict);
    }
    FileResult {
        path: display_path(&job.path),
        output: None,
        status: status_str(report.status),
        bytes: size,
        millis,
        report: Some(report),
        note: None,
    }
}

fn verify_one(ctx: &Ctx, job: &walk::Job, against: Option<&Path>) -> FileResult {
    let t = Instant::now();
    let bytes = match read_input(ctx, &job.path) {
        Ok(b) => b,
        Err(e) => return io_failure(job, 0, e),
    };
    let name = job.path.to_string_lossy();
    let report = match against {
        Some(dir) => {
            let orig_path = dir.join(&job.rel);
            match read_input(ctx, &orig_path) {
                Ok(orig) => ctx.sanitizer.verify_against(&orig, &bytes, Some(&name)),
                Err(e) => {
                    return io_failure(
                        job,
                        bytes.len() as u64,
                        format!("original {}: {e}", orig_path.display()),
                    );
                }
            }
        }
        None => ctx.sanitizer.verify(&bytes, Some(&name)),
    };
    checked(ctx, job, bytes.len() as u64, t, report)
}

fn sanitize_one(ctx: &Ctx, job: &walk::Job, target: &SanitizeTarget) -> FileResult {
    let t = Instant::now();
    let bytes = match read_input(ctx, &job.path) {
        Ok(b) => b,
        Err(e) => return io_failure(job, 0, e),
    };
    let size = bytes.len() as u64;
    let rel = job.rel.to_string_lossy().to_string();
    let dest = target.dir.join(&job.rel);
    // The content hash serves only the journal.
    let sha = if target.journal.is_some() {
        hex(&Sha256::digest(&bytes))
    } else {
        String::new()
    };
    let record = |status: &str, output: Option<(String, &[u8])>| {
        if let Some(j) = &target.journal {
            let e = journal::Entry {
                input: rel.clone(),
                sha256: sha.clone(),
                options: ctx.fingerprint.clone(),
                status: status.into(),
                output_sha256: output.as_ref().map(|(_, b)| hex(&Sha256::digest(b))),
                output: output.map(|(o, _)| o),
            };
            if let Err(err) = j.record(&e) {
                eprintln!("docsan: warning: cannot write journal: {err}");
            }
        }
    };
    // An output this run's journal says it wrote may be replaced when it has to be redone.
    let mut own_output = false;
    if let Some(j) = &target.journal {
        if let Some(e) = j.finished(&rel, &sha, &ctx.fingerprint) {
            own_output = e.output.as_deref() == Some(rel.as_str());
            // The output must still be there with the bytes written (it may have been deleted,
            // or lost to a power cut, since outputs are not fsynced by default).
            let out_ok = e.output.as_ref().is_none_or(|o| {
                let path = target.dir.join(o);
                match &e.output_sha256 {
                    Some(want) => {
                        std::fs::read(&path).is_ok_and(|b| hex(&Sha256::digest(&b)) == *want)
                    }
                    None => path.exists(),
                }
            });
            if out_ok {
                return FileResult {
                    path: display_path(&job.path),
                    output: e.output.as_ref().map(|o| display_path(&target.dir.join(o))),
                    status: "resumed".into(),
                    bytes: size,
                    millis: 0,
                    report: None,
                    note: Some(format!("already {} in an earlier run (journal)", e.status)),
                };
            }
        }
    }
    if same_file(&job.path, &dest) {
        return io_failure(
            job,
            size,
            "the output would overwrite the input: choose another output folder".into(),
        );
    }
    if dest.exists() && !target.force && !own_output {
        return io_failure(
            job,
            size,
            format!(
                "output {} exists (use --force to overwrite)",
                dest.display()
            ),
        );
    }
    let name = job.path.to_string_lossy();
    let (report, out) = ctx.sanitizer.sanitize(&bytes, Some(&name));
    let millis = t.elapsed().as_millis() as u64;
    if job.from_walk && not_a_document(&report) {
        let mut r = skipped(job, size, millis, report, false);
        if target.others == Others::Copy {
            if ctx.common.strict {
                r.status = "failed".into();
                r.note = Some("--strict: not a document, cannot be checked, not copied".into());
                return r;
            }
            match write_atomic(&dest, &bytes, target.force || own_output, target.fsync) {
                Ok(()) => {
                    r.status = "copied".into();
                    r.output = Some(display_path(&dest));
                    r.note = Some("not a document: copied unchecked (--others copy)".into());
                }
                Err(e) => {
                    return io_failure(job, size, format!("cannot write {}: {e}", dest.display()));
                }
            }
        }
        record(
            &r.status.clone(),
            r.output.as_ref().map(|_| (rel.clone(), &bytes[..])),
        );
        return r;
    }
    let status = status_str(report.status);
    let mut result = FileResult {
        path: display_path(&job.path),
        output: None,
        status: status.clone(),
        bytes: size,
        millis,
        report: Some(report),
        note: None,
    };
    if let Some(out) = &out {
        match write_atomic(&dest, out, target.force || own_output, target.fsync) {
            Ok(()) => result.output = Some(display_path(&dest)),
            Err(e) => {
                result.status = "failed".into();
                result.note = Some(format!("cannot write {}: {e}", dest.display()));
            }
        }
    }
    let written = match (&result.output, &out) {
        (Some(_), Some(b)) => Some((rel.clone(), &b[..])),
        _ => None,
    };
    record(&result.status, written);
    result
}

fn same_file(a: &Path, b: &Path) -> bool {
    match (a.canonicalize(), b.canonicalize()) {
        (Ok(x), Ok(y)) => x == y,
        _ => false,
    }
}

/// Writes through a temporary file in the destination folder and renames it into place, so a
/// reader never sees a half-written file and a crash leaves no partial output. `durable` flushes
/// the data to disk before the rename (one fsync per file, which costs more than sanitizing a
/// small document); without it a power loss can lose recent outputs, which the journal's hash
/// check then redoes.
fn write_atomic(dest: &Path, bytes: &[u8], overwrite: bool, durable: bool) -> std::io::Result<()> {
    let parent = dest
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    std::fs::create_dir_all(parent)?;
    let mut tmp = tempfile::Builder::new()
        .prefix(".docsan-")
        .suffix(".tmp")
        .tempfile_in(parent)?;
    tmp.write_all(bytes)?;
    if durable {
        tmp.as_file().sync_all()?;
    }
    if overwrite {
        tmp.persist(dest).map_err(|e| e.error)?;
    } else {
        tmp.persist_noclobber(dest).map_err(|e| e.error)?;
    }
    Ok(())
}
