//! A tiny detector for tests: 18-digit IDs, 11-digit mobiles and e-mail addresses by regex, so
//! that the verifier's tests do not depend on the real detection engine.

#![allow(dead_code)]

use docsan_core::{Detector, Finding, Limits, PiiKind, Sensitive, TextUnit};
use docsan_verify::{Report, Request, verify};
use regex::Regex;

pub struct TestDetector {
    rules: Vec<(Regex, PiiKind, &'static str)>,
}

impl TestDetector {
    pub fn new() -> Self {
        TestDetector {
            rules: vec![
                (
                    Regex::new(r"(?:^|[^0-9])([1-9][0-9]{16}[0-9Xx])(?:[^0-9]|$)").unwrap(),
                    PiiKind::Id18,
                    "test.id18",
                ),
                (
                    Regex::new(r"(?:^|[^0-9])(1[3-9][0-9]{9})(?:[^0-9]|$)").unwrap(),
                    PiiKind::Mobile,
                    "test.mobile",
                ),
                (
                    Regex::new(r"()([A-Za-z0-9._-]+@[A-Za-z0-9-]+\.[A-Za-z.]+)").unwrap(),
                    PiiKind::Email,
                    "test.email",
                ),
            ],
        }
    }
}

impl Detector for TestDetector {
    fn detect(&self, unit: &TextUnit) -> Vec<Finding> {
        let mut out = Vec::new();
        for (re, kind, rule) in &self.rules {
            for caps in re.captures_iter(&unit.text) {
                let m = caps.get(caps.len() - 1).unwrap();
                let m = if m.as_str().is_empty() {
                    caps.get(1).unwrap()
                } else {
                    m
                };
                if m.as_str().is_empty() {
                    continue;
                }
                out.push(Finding {
                    unit: unit.id,
                    range: m.range(),
                    kind: *kind,
                    rule: (*rule).into(),
                    confidence: 0.9,
                    value: Sensitive::new(m.as_str()),
                });
            }
        }
        out
    }
}

/// Verifies with the test detector.
pub fn run(bytes: &[u8], format: docsan_core::Format, originals: &[&str]) -> Report {
    let originals: Vec<Sensitive> = originals.iter().map(|s| Sensitive::new(*s)).collect();
    let limits = Limits::default();
    let det = TestDetector::new();
    verify(&Request {
        bytes,
        format,
        originals: &originals,
        allowed: &[],
        detector: &det,
        limits: &limits,
    })
    .expect("verify opens the file")
}

/// Where the shared material lives, if present.
pub fn shared() -> Option<std::path::PathBuf> {
    let p = std::path::PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared"));
    if p.is_dir() {
        Some(p)
    } else {
        println!("shared material not found at {}; skipping", p.display());
        None
    }
}
