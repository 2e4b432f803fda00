//! Fuzz targets: one function per backend (open, extract, detect, rewrite with an empty plan
//! and with every unit masked, re-open, verify) and one for the detectors. A target returns
//! normally for any input; a panic, a hang or unbounded memory is a bug.
//!
//! The targets are plain functions so that any engine can drive them: the bundled mutation
//! fuzzer (`cargo run --release -p docsan-fuzz -- TARGET SEEDS…`, stable Rust, no extra tools),
//! or libFuzzer through the cargo-fuzz package in `fuzz/` (one `fuzz_target!` per target calling
//! [`run`]; `fuzz/run.sh TARGET SECONDS` builds and runs one on stable Rust). A crash found
//! becomes a regression fixture under `tests/fixtures/fuzz/TARGET/`, replayed by the test suite.

#![forbid(unsafe_code)]

use docsan::core::{
    Backend, Detector, Edit, Limits, Location, Plan, Policy, TextUnit, UnitContext, UnitId,
    UnitKind,
};

/// The fuzz targets by name. `docx-parts` and `xlsx-parts` take the parts of a package rather
/// than its zip bytes (see [`zip_parts`]), so that mutations reach the XML instead of dying on
/// a zip checksum.
pub const TARGETS: [&str; 8] = [
    "pdf",
    "docx",
    "xlsx",
    "csv",
    "detect",
    "pipeline",
    "docx-parts",
    "xlsx-parts",
];

/// Packs `name NUL body NUL name NUL body …` into a stored zip, in order (a missing last body
/// is empty; duplicate names are skipped). Seeds for the `*-parts` targets are real packages
/// unpacked this way (`fuzz/seeds.sh`).
pub fn zip_parts(data: &[u8]) -> Vec<u8> {
    use std::io::Write;
    let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let opts = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Stored)
        .last_modified_time(zip::DateTime::default());
    let mut fields = data.split(|&b| b == 0);
    while let Some(name) = fields.next() {
        let body = fields.next().unwrap_or_default();
        let name = String::from_utf8_lossy(name);
        if w.start_file(name.as_ref(), opts).is_ok() {
            let _ = w.write_all(body);
        }
    }
    w.finish().map(|c| c.into_inner()).unwrap_or_default()
}

thread_local! {
    // Built once per thread: compiling the detectors per input would dominate every run.
    static ENGINE: Option<docsan_detect::Engine> = docsan_detect::Engine::new(&Policy::default()).ok();
    static SANITIZER: Option<docsan::Sanitizer> = docsan::Sanitizer::new(docsan::Options {
        limits: fuzz_limits(),
        ..Default::default()
    })
    .ok();
}

/// Small limits so that fuzzing explores structure rather than size.
pub fn fuzz_limits() -> Limits {
    Limits {
        max_input_bytes: 8 << 20,
        max_entry_bytes: 16 << 20,
        max_total_bytes: 64 << 20,
        max_pdf_objects: 20_000,
        max_units: 100_000,
        ..Limits::default()
    }
}

fn backend_round_trip(backend: &dyn Backend, data: &[u8]) {
    let limits = fuzz_limits();
    let Ok(mut doc) = backend.open(data, &limits) else {
        return;
    };
    let mut diags = Vec::new();
    let _ = doc.rewrite(&Plan::default(), &mut diags);
    // Mask the first character of every unit: exercises the locator maps everywhere.
    let edits: Vec<Edit> = doc
        .units()
        .iter()
        .filter_map(|u| {
            let c = u.text.chars().next()?;
            let mask = if c.is_ascii() { "*" } else { "＊" };
            Some(Edit {
                unit: u.id,
                range: 0..c.len_utf8(),
                replacement: mask.into(),
            })
        })
        .collect();
    let plan = Plan {
        edits,
        ..Plan::default()
    };
    if let Ok(out) = doc.rewrite(&plan, &mut diags) {
        let _ = backend.open(&out, &limits).map(|d| d.units().len());
    }
}

/// Runs one target on one input.
pub fn run(target: &str, data: &[u8]) {
    match target {
        "pdf" => backend_round_trip(&docsan_pdf::PdfBackend, data),
        "docx" => backend_round_trip(&docsan_docx::DocxBackend, data),
        "xlsx" => backend_round_trip(&docsan_xlsx::XlsxBackend, data),
        "csv" => {
            backend_round_trip(&docsan_text::CsvBackend::default(), data);
            backend_round_trip(&docsan_text::TextBackend, data);
        }
        "docx-parts" => backend_round_trip(&docsan_docx::DocxBackend, &zip_parts(data)),
        "xlsx-parts" => backend_round_trip(&docsan_xlsx::XlsxBackend, &zip_parts(data)),
        "detect" => ENGINE.with(|engine| {
            let Some(engine) = engine else { return };
            let text = String::from_utf8_lossy(data);
            let mut ctx = UnitContext::new(UnitKind::TableCell, Location::default());
            ctx.column_header = Some("姓名".into());
            let units = [
                TextUnit::new(
                    UnitId(0),
                    text.as_ref(),
                    UnitContext::new(UnitKind::Body, Location::default()),
                ),
                TextUnit::new(UnitId(1), text.as_ref(), ctx),
            ];
            for f in engine.detect_all(&units) {
                let unit = &units[f.unit.0 as usize];
                assert!(
                    unit.text.get(f.range.clone()).is_some(),
                    "finding range off a char boundary"
                );
                let r = engine.replacement(&f);
                assert_eq!(
                    r.chars().count(),
                    f.value.char_len(),
                    "mask changed the length of a {} value",
                    f.kind
                );
            }
        }),
        "pipeline" => SANITIZER.with(|s| {
            let Some(s) = s else { return };
            let (_, out) = s.sanitize(data, None);
            if let Some(out) = out {
                let _ = s.verify(&out, None);
            }
        }),
        _ => {}
    }
}

/// A deterministic mutator (xorshift), so a run is reproducible from its seed.
#[derive(Debug, Clone)]
pub struct Mutator(u64);

impl Mutator {
    pub fn new(seed: u64) -> Mutator {
        Mutator(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1)
    }

    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }

    /// One mutated copy of `input`, possibly spliced with `other`.
    pub fn mutate(&mut self, input: &[u8], other: &[u8]) -> Vec<u8> {
        let mut v = input.to_vec();
        let rounds = 1 + self.below(8);
        for _ in 0..rounds {
            if v.is_empty() {
                v.push(self.next() as u8);
            }
            let len = v.len();
            match self.below(8) {
                0 => {
                    let i = self.below(len);
                    v[i] ^= 1 << self.below(8);
                }
                1 => {
                    let i = self.below(len);
                    v[i] = [0, 0xFF, b'0', b'9', b'<', b'>', b'(', b'/'][self.below(8)];
                }
                2 => v.truncate(self.below(len)),
                3 => {
                    let (a, b) = (self.below(len), self.below(len));
                    let (a, b) = (a.min(b), a.max(b));
                    let chunk = v[a..b.min(a + 4096)].to_vec();
                    let at = self.below(v.len());
                    v.splice(at..at, chunk);
                }
                4 => {
                    let a = self.below(len);
                    let b = (a + self.below(64)).min(len);
                    v.drain(a..b);
                }
                5 if !other.is_empty() => {
                    let a = self.below(other.len());
                    let b = (a + self.below(2048)).min(other.len());
                    let at = self.below(v.len());
                    v.splice(at..at, other[a..b].iter().copied());
                }
                6 => {
                    // Interesting numbers in ASCII, where lengths and offsets are written.
                    let i = self.below(len);
                    let n = ["0", "-1", "4294967295", "99999999999", "1e308", "3.4"][self.below(6)];
                    v.splice(i..(i + 1).min(len), n.bytes());
                }
                _ => {
                    let i = self.below(len);
                    let j = self.below(len);
                    v.swap(i, j);
                }
            }
        }
        v
    }
}
