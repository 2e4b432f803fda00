//! Shared pieces of the end-to-end tests: the fake-data generator and the bundled samples.
//! The tests themselves live in `tests/tests/*.rs`.

#![forbid(unsafe_code)]

pub mod corpus;
pub mod devset;
pub mod fake;
pub mod licenses;
pub mod oracle;
pub mod samples;

use std::path::PathBuf;

/// The repository root.
pub fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// `../shared` beside the repository, when present (it is not in a plain clone).
pub fn shared_dir() -> Option<PathBuf> {
    let p = repo_root().join("../shared");
    p.is_dir().then_some(p)
}
