//! Hostile bytes: deterministic mutations of real PDFs must give a clean error or a working
//! document, never a panic or a hang, through open, units and rewrite.

use docsan_core::{Backend, Edit, Limits, Plan};
use docsan_pdf::PdfBackend;

/// A small deterministic generator (no randomness in tests either).
struct Lcg(u64);

impl Lcg {
    fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        self.0 >> 33
    }
}

fn seeds() -> Vec<Vec<u8>> {
    let mut v = Vec::new();
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures");
    for f in ["enc-rc4-empty.pdf", "enc-aes256-empty.pdf"] {
        if let Ok(b) = std::fs::read(format!("{dir}/{f}")) {
            v.push(b);
        }
    }
    let shared = concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared/corpus/pdf");
    for f in [
        "qpdf__comment-annotation.pdf",
        "qpdf__form-filled-by-acrobat.pdf",
        "pdfjs__issue8372.pdf",
    ] {
        if let Ok(b) = std::fs::read(format!("{shared}/{f}")) {
            v.push(b);
        }
    }
    v
}

#[test]
fn mutated_pdfs_never_panic() {
    let limits = Limits {
        max_seconds: 5,
        ..Limits::default()
    };
    let mut rng = Lcg(0x5eed);
    let mut stats = (0, 0);
    for seed in seeds() {
        for round in 0..150 {
            let mut b = seed.clone();
            let n = 1 + rng.next() as usize % 8;
            for _ in 0..n {
                if b.is_empty() {
                    break;
                }
                let at = rng.next() as usize % b.len();
                match rng.next() % 4 {
                    0 => b[at] = rng.next() as u8,
                    1 => {
                        b[at] = b"()<>[]{}/%0123456789 \nRobjendTjTJBTET"[rng.next() as usize % 36]
                    }
                    2 => {
                        let len = (rng.next() as usize % 64).min(b.len() - at);
                        b.drain(at..at + len);
                    }
                    _ => {
                        let len = (rng.next() as usize % 64).min(b.len() - at);
                        let chunk: Vec<u8> = b[at..at + len].to_vec();
                        b.splice(at..at, chunk);
                    }
                }
            }
            let r = std::panic::catch_unwind(|| {
                let Ok(mut doc) = PdfBackend.open(&b, &limits) else {
                    return false;
                };
                let edits: Vec<Edit> = doc
                    .units()
                    .iter()
                    .filter_map(|u| {
                        let c = u.text.chars().find(|c| !c.is_whitespace())?;
                        let p = u.text.find(c)?;
                        Some(Edit {
                            unit: u.id,
                            range: p..p + c.len_utf8(),
                            replacement: "*".into(),
                        })
                    })
                    .collect();
                let plan = Plan {
                    edits,
                    ..Plan::default()
                };
                let _ = doc.rewrite(&plan, &mut Vec::new());
                true
            });
            match r {
                Ok(true) => stats.0 += 1,
                Ok(false) => stats.1 += 1,
                Err(_) => panic!("panic on mutation round {round}"),
            }
        }
    }
    println!(
        "mutations: {} opened and rewritten, {} refused cleanly",
        stats.0, stats.1
    );
}
