//! The resume journal: one JSON line per finished input in OUTDIR.
//!
//! After a crash or Ctrl-C, rerunning the same command reads the journal and skips inputs whose
//! content hash and options are unchanged and whose output is still there. Each shard writes
//! its own journal file, so journals of many machines merge without conflicts. Lines are
//! appended and flushed one at a time; a torn last line (from a kill) is ignored on reading.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::fs::{File, OpenOptions};
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, Eq)]
pub struct Entry {
    /// Input path relative to its root.
    pub input: String,
    /// SHA-256 of the input bytes.
    pub sha256: String,
    /// Fingerprint of docsan's version and options.
    pub options: String,
    pub status: String,
    /// Output path relative to OUTDIR, when one was written.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub output: Option<String>,
    /// SHA-256 of the output written, checked before an entry is trusted on resume.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub output_sha256: Option<String>,
}

#[derive(Debug)]
pub struct Journal {
    done: BTreeMap<String, Entry>,
    file: Mutex<File>,
}

impl Journal {
    /// The journal file name for a shard.
    pub fn file_name(shard: Option<(u64, u64)>) -> String {
        match shard {
            Some((k, n)) => format!(".docsan-journal.{}-of-{n}.jsonl", k + 1),
            None => ".docsan-journal.jsonl".into(),
        }
    }

    /// Opens (creating) the journal in `dir`, reading what earlier runs finished.
    pub fn open(dir: &Path, shard: Option<(u64, u64)>) -> std::io::Result<Journal> {
        let path: PathBuf = dir.join(Self::file_name(shard));
        let mut done = BTreeMap::new();
        if let Ok(f) = File::open(&path) {
            for line in BufReader::new(f).lines() {
                let Ok(line) = line else { break };
                if let Ok(e) = serde_json::from_str::<Entry>(&line) {
                    done.insert(e.input.clone(), e);
                }
            }
        }
        let file = OpenOptions::new().create(true).append(true).open(&path)?;
        Ok(Journal {
            done,
            file: Mutex::new(file),
        })
    }

    /// The earlier entry for this input, if it finished with the same content and options.
    pub fn finished(&self, input: &str, sha256: &str, options: &str) -> Option<&Entry> {
        self.done.get(input).filter(|e| {
            e.sha256 == sha256
                && e.options == options
                && matches!(e.status.as_str(), "sanitized" | "clean" | "skipped")
        })
    }

    /// Appends one entry and flushes it.
    pub fn record(&self, entry: &Entry) -> std::io::Result<()> {
        let mut line = serde_json::to_string(entry).map_err(std::io::Error::other)?;
        line.push('\n');
        let mut f = self
            .file
            .lock()
            .map_err(|_| std::io::Error::other("journal lock poisoned"))?;
        f.write_all(line.as_bytes())?;
        f.flush()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resumes_and_ignores_torn_lines() {
        let d = tempfile::tempdir().unwrap();
        let j = Journal::open(d.path(), None).unwrap();
        let e = Entry {
            input: "a.pdf".into(),
            sha256: "h1".into(),
            options: "o".into(),
            status: "sanitized".into(),
            output: Some("a.pdf".into()),
            output_sha256: None,
        };
        j.record(&e).unwrap();
        j.record(&Entry {
            input: "b.pdf".into(),
            status: "failed".into(),
            ..e.clone()
        })
        .unwrap();
        drop(j);
        let path = d.path().join(".docsan-journal.jsonl");
        let mut f = OpenOptions::new().append(true).open(&path).unwrap();
        f.write_all(b"{\"input\":\"c.pd").unwrap();
        drop(f);
        let j = Journal::open(d.path(), None).unwrap();
        assert!(j.finished("a.pdf", "h1", "o").is_some());
        assert!(
            j.finished("a.pdf", "h2", "o").is_none(),
            "changed input is redone"
        );
        assert!(
            j.finished("a.pdf", "h1", "other").is_none(),
            "changed options redo"
        );
        assert!(
            j.finished("b.pdf", "h1", "o").is_none(),
            "failures are redone"
        );
        assert!(j.finished("c.pdf", "h1", "o").is_none());
        assert_eq!(
            Journal::file_name(Some((1, 4))),
            ".docsan-journal.2-of-4.jsonl"
        );
    }
}
