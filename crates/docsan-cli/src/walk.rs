//! Input discovery: files and folders to a sorted list of jobs with their output paths.
//!
//! Links are not followed (an archive must not pull in files from elsewhere), hidden files are
//! included (they are published too), and the order is sorted so that runs are reproducible.

use sha2::{Digest, Sha256};
use std::path::{Path, PathBuf};

/// One file to process.
#[derive(Clone, Debug)]
pub struct Job {
    pub path: PathBuf,
    /// Path relative to its input root, used for the output location and the journal.
    pub rel: PathBuf,
    /// True when the file came from walking a folder (rather than named on the command line).
    pub from_walk: bool,
}

/// Something found while walking that is not a job.
#[derive(Clone, Debug)]
pub struct WalkNote {
    pub path: PathBuf,
    pub message: String,
}

/// Collects jobs from the given paths. Missing paths are errors (exit code 2).
pub fn collect(paths: &[PathBuf]) -> anyhow::Result<(Vec<Job>, Vec<WalkNote>)> {
    let mut jobs = Vec::new();
    let mut notes = Vec::new();
    for p in paths {
        let meta = std::fs::symlink_metadata(p)
            .map_err(|e| anyhow::anyhow!("cannot read {}: {e}", p.display()))?;
        if meta.is_dir() {
            for entry in walkdir::WalkDir::new(p)
                .follow_links(false)
                .sort_by_file_name()
            {
                let entry = match entry {
                    Ok(e) => e,
                    Err(e) => {
                        notes.push(WalkNote {
                            path: e.path().map(Path::to_path_buf).unwrap_or_else(|| p.clone()),
                            message: format!("cannot read: {e}"),
                        });
                        continue;
                    }
                };
                let ft = entry.file_type();
                if ft.is_symlink() {
                    notes.push(WalkNote {
                        path: entry.path().to_path_buf(),
                        message: "symbolic link not followed".into(),
                    });
                } else if ft.is_file() && is_own_file(entry.file_name()) {
                    // docsan's own journal and temporary files in an output folder.
                } else if ft.is_file() {
                    let rel = entry
                        .path()
                        .strip_prefix(p)
                        .unwrap_or(entry.path())
                        .to_path_buf();
                    jobs.push(Job {
                        path: entry.path().to_path_buf(),
                        rel,
                        from_walk: true,
                    });
                }
            }
        } else if meta.is_file() || meta.file_type().is_symlink() {
            let name = p
                .file_name()
                .map(PathBuf::from)
                .unwrap_or_else(|| p.clone());
            jobs.push(Job {
                path: p.clone(),
                rel: name,
                from_walk: false,
            });
        } else {
            anyhow::bail!("{} is neither a file nor a folder", p.display());
        }
    }
    Ok((jobs, notes))
}

/// docsan's own bookkeeping files (journals, temporary outputs), which a walk leaves alone.
fn is_own_file(name: &std::ffi::OsStr) -> bool {
    let n = name.to_string_lossy();
    (n.starts_with(".docsan-journal") && n.ends_with(".jsonl"))
        || (n.starts_with(".docsan-") && n.ends_with(".tmp"))
}

/// The shard (0-based) a relative path belongs to, out of `n`: a stable hash, the same on
/// every machine and every run.
pub fn shard_of(rel: &Path, n: u64) -> u64 {
    let digest = Sha256::digest(rel.to_string_lossy().as_bytes());
    let mut b = [0u8; 8];
    b.copy_from_slice(&digest[..8]);
    u64::from_be_bytes(b) % n
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shards_partition_and_are_stable() {
        let paths: Vec<PathBuf> = (0..200)
            .map(|i| PathBuf::from(format!("dir/{i}.pdf")))
            .collect();
        let mut counts = [0; 4];
        for p in &paths {
            let s = shard_of(p, 4);
            assert_eq!(s, shard_of(p, 4));
            counts[s as usize] += 1;
        }
        assert_eq!(counts.iter().sum::<i32>(), 200);
        assert!(counts.iter().all(|&c| c > 20), "{counts:?}");
    }

    #[test]
    fn walk_is_sorted_includes_hidden_and_skips_links() {
        let d = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(d.path().join("b/c")).unwrap();
        std::fs::write(d.path().join("b/c/z.csv"), "x").unwrap();
        std::fs::write(d.path().join("a.txt"), "x").unwrap();
        std::fs::write(d.path().join(".hidden.csv"), "x").unwrap();
        #[cfg(unix)]
        std::os::unix::fs::symlink("/etc/passwd", d.path().join("link.txt")).unwrap();
        let (jobs, notes) = collect(&[d.path().to_path_buf()]).unwrap();
        let rels: Vec<String> = jobs.iter().map(|j| j.rel.display().to_string()).collect();
        assert_eq!(rels, [".hidden.csv", "a.txt", "b/c/z.csv"]);
        #[cfg(unix)]
        assert!(notes.iter().any(|n| n.message.contains("link")));
        assert!(collect(&[d.path().join("missing")]).is_err());
    }
}
