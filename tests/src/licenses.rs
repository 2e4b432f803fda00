//! Dependency licence check (what `cargo deny check licenses` does), from `cargo metadata`.
//!
//! Advisory databases cannot be fetched from this build environment, so only licences are
//! checked here; the allowed set is permissive licences compatible with distributing docsan.

use serde_json::Value;
use std::process::Command;

/// Licences a dependency may use.
pub const ALLOWED: &[&str] = &[
    "MIT",
    "Apache-2.0",
    "Apache-2.0 WITH LLVM-exception",
    "BSD-2-Clause",
    "BSD-3-Clause",
    "ISC",
    "Zlib",
    "Unicode-3.0",
    "Unicode-DFS-2016",
    "CC0-1.0",
    "BSL-1.0",
    "0BSD",
    "MIT-0",
    "Unlicense",
    "MPL-2.0",
    "bzip2-1.0.6",
];

/// True when an SPDX expression is satisfied by the allowed set (`A OR B` needs one, `A AND B`
/// needs both; parentheses are flattened, which is conservative for AND).
pub fn expression_allowed(expr: &str) -> bool {
    let e = expr.replace(['(', ')'], " ").replace('/', " OR ");
    e.split(" OR ")
        .any(|alt| alt.split(" AND ").all(|l| ALLOWED.contains(&l.trim())))
}

/// Every (package, licence) of the workspace's dependency graph that is not allowed.
pub fn violations(manifest_dir: &std::path::Path) -> Result<Vec<(String, String)>, String> {
    let out = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
        .args(["metadata", "--format-version", "1", "--locked", "--offline"])
        .current_dir(manifest_dir)
        .output()
        .map_err(|e| format!("cargo metadata: {e}"))?;
    if !out.status.success() {
        return Err(String::from_utf8_lossy(&out.stderr).into_owned());
    }
    let v: Value = serde_json::from_slice(&out.stdout).map_err(|e| e.to_string())?;
    let mut bad = Vec::new();
    for p in v["packages"].as_array().into_iter().flatten() {
        if p["source"].is_null() {
            continue; // our own crates
        }
        let name = format!(
            "{} {}",
            p["name"].as_str().unwrap_or("?"),
            p["version"].as_str().unwrap_or("?")
        );
        match p["license"].as_str() {
            Some(l) if expression_allowed(l) => {}
            Some(l) => bad.push((name, l.to_string())),
            None => bad.push((name, "(none declared)".into())),
        }
    }
    Ok(bad)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spdx_expressions() {
        assert!(expression_allowed("MIT OR Apache-2.0"));
        assert!(expression_allowed("(MIT OR Apache-2.0) AND Unicode-3.0"));
        assert!(expression_allowed("MIT/Apache-2.0"));
        assert!(!expression_allowed("GPL-3.0-only"));
        assert!(!expression_allowed("MIT AND GPL-2.0"));
    }
}
