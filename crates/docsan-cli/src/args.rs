//! Command-line interface: what a disclosure officer types.

use clap::{Args, Parser, Subcommand, ValueEnum};
use std::path::PathBuf;

const AFTER_HELP: &str = "\
Exit codes:
  0  success: nothing personal found (scan, verify) or every file sanitized and verified
  1  personal data found (scan, verify), or at least one file could not be sanitized or checked
  2  usage or I/O error (bad option, missing input, unwritable output)

Examples:
  docsan scan 公示附件/                       list what would be masked, write nothing
  docsan sanitize 公示附件/ -o 待发布/         write masked copies, verified, into 待发布/
  docsan verify 待发布/ --format sarif        gate a release in CI (exit 1 if anything is left)

Values in reports are masked (340702********1234) unless --show-values is given.";

/// docsan finds personal data (resident ID numbers, phone numbers, bank cards, names,
/// addresses, e-mail) in PDF, DOCX, XLSX, CSV and text files, masks it in place, and
/// checks that nothing is left before a file is released.
#[derive(Debug, Parser)]
#[command(name = "docsan", version, after_help = AFTER_HELP, max_term_width = 100)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// List the personal data found in files, without writing anything.
    Scan(ScanArgs),
    /// Write sanitized (masked) copies of files into an output folder.
    ///
    /// Folders are walked recursively and mirrored under the output folder. Inputs are never
    /// modified. Each copy is written only after it has been verified: a file that cannot be
    /// fully sanitized is reported as failed and no copy of it is written.
    Sanitize(SanitizeArgs),
    /// Check files that are about to be released: exit 1 if any personal data is found.
    Verify(VerifyArgs),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum OutputFormat {
    /// A readable summary on stderr only.
    Text,
    /// One JSON document on stdout.
    Json,
    /// One JSON line per file on stdout.
    Jsonl,
    /// SARIF 2.1.0 on stdout (for code-scanning tools in CI).
    Sarif,
}

#[derive(Debug, Args, Clone)]
pub struct Common {
    /// Files or folders to process. Folders are walked recursively; links are not followed.
    #[arg(required = true, value_name = "PATH")]
    pub paths: Vec<PathBuf>,

    /// Machine-readable output on stdout, in addition to the summary on stderr.
    #[arg(long, value_enum, default_value_t = OutputFormat::Text)]
    pub format: OutputFormat,

    /// Also write the full report as JSON to this file.
    #[arg(long, value_name = "FILE")]
    pub report: Option<PathBuf>,

    /// Show personal values in reports unmasked. Reports may then themselves be personal data.
    #[arg(long)]
    pub show_values: bool,

    /// Masking policy (TOML): modes, per-kind masks, custom patterns, allow-list.
    #[arg(long, value_name = "FILE")]
    pub policy: Option<PathBuf>,

    /// Treat warnings (content that cannot be checked, e.g. images of text, embedded objects)
    /// as failures.
    #[arg(long)]
    pub strict: bool,

    /// Number of files processed in parallel (default: all cores).
    #[arg(short = 'j', long, value_name = "N")]
    pub jobs: Option<usize>,

    /// Process only shard K of N (1-based), chosen by a hash of each file's path, so that N
    /// machines can share one archive.
    #[arg(long, value_name = "K/N")]
    pub shard: Option<String>,

    /// Print nothing on stderr except errors.
    #[arg(short, long)]
    pub quiet: bool,

    /// Largest input file in MiB.
    #[arg(long, value_name = "MIB", default_value_t = 512)]
    pub max_file_mib: u64,

    /// Time budget per file in seconds (0 = none), enforced inside each stage; a file over
    /// budget fails.
    #[arg(long, value_name = "SECS", default_value_t = 300)]
    pub timeout: u64,

    /// Findings and residues listed per file in reports (0 = all). Counts per kind always
    /// cover every finding; the rest are counted as `findings_omitted`. Listing the 300,000
    /// findings of a 100k-row sheet would take more memory than sanitizing it.
    #[arg(long, value_name = "N", default_value_t = 10_000)]
    pub list_limit: usize,

    /// XLSX and CSV files of at least this many KiB are detected a window of cells at a time,
    /// never holding every cell with its context (default 1024; 0 = every file). Output bytes
    /// do not depend on it.
    #[arg(long, value_name = "KIB")]
    pub stream_from_kib: Option<u64>,
}

#[derive(Debug, Args)]
pub struct ScanArgs {
    #[command(flatten)]
    pub common: Common,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Others {
    /// Leave files that are not documents out of the output (reported as skipped).
    Skip,
    /// Copy them unchanged (they are not checked: use only for known-safe files).
    Copy,
}

#[derive(Debug, Args)]
pub struct SanitizeArgs {
    #[command(flatten)]
    pub common: Common,

    /// Output folder for the sanitized copies.
    #[arg(short, long, value_name = "OUTDIR")]
    pub output: PathBuf,

    /// Overwrite existing output files.
    #[arg(long)]
    pub force: bool,

    /// What to do with files in a folder that are not documents (images, executables…).
    #[arg(long, value_enum, default_value_t = Others::Skip)]
    pub others: Others,

    /// Do not read or write the resume journal in OUTDIR.
    #[arg(long)]
    pub no_journal: bool,

    /// Flush every output file to disk (fsync) before it is renamed into place. Without it,
    /// outputs are still written atomically, and after a power loss the journal's resume check
    /// (which compares each output's SHA-256) redoes any output that did not reach the disk.
    #[arg(long)]
    pub fsync: bool,
}

#[derive(Debug, Args)]
pub struct VerifyArgs {
    #[command(flatten)]
    pub common: Common,

    /// Folder of originals: check that every value found in each original is gone from its
    /// sanitized twin (same relative path under PATH), and that the twin keeps its structure.
    #[arg(long, value_name = "ORIGINAL_DIR")]
    pub against: Option<PathBuf>,
}

/// Parses `K/N` into a zero-based shard index and a count.
pub fn parse_shard(s: &str) -> Result<(u64, u64), String> {
    let (k, n) = s
        .split_once('/')
        .ok_or("--shard takes K/N, for example 2/8")?;
    let k: u64 = k.trim().parse().map_err(|_| "--shard: K is not a number")?;
    let n: u64 = n.trim().parse().map_err(|_| "--shard: N is not a number")?;
    if n == 0 || k == 0 || k > n {
        return Err("--shard K/N needs 1 <= K <= N".into());
    }
    Ok((k - 1, n))
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn cli_is_consistent_and_shards_parse() {
        Cli::command().debug_assert();
        assert_eq!(parse_shard("2/8"), Ok((1, 8)));
        assert!(parse_shard("0/8").is_err());
        assert!(parse_shard("9/8").is_err());
        assert!(parse_shard("x").is_err());
    }
}
