//! The third-party corpus: every file opens to units or a clean error, never a panic, and an
//! empty plan gives back a single-revision file with the same page content.

use docsan_core::{Backend, Limits, Plan};
use docsan_pdf::PdfBackend;
use std::path::PathBuf;

fn corpus() -> Option<Vec<PathBuf>> {
    let dir = PathBuf::from(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../../shared/corpus/pdf"
    ));
    let mut v: Vec<PathBuf> = std::fs::read_dir(dir)
        .ok()?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "pdf"))
        .collect();
    v.sort();
    Some(v)
}

fn page_contents(bytes: &[u8]) -> Vec<Vec<u8>> {
    let doc = lopdf::Document::load_mem(bytes).expect("loads");
    doc.get_pages()
        .values()
        .map(|p| {
            doc.get_page_content_with_limit(*p, 256 << 20)
                .unwrap_or_default()
        })
        .collect()
}

fn qpdf_check(bytes: &[u8]) -> Option<bool> {
    let dir = std::env::temp_dir().join(format!("docsan-pdf-qpdf-{}", std::process::id()));
    std::fs::create_dir_all(&dir).ok()?;
    let path = dir.join("out.pdf");
    std::fs::write(&path, bytes).ok()?;
    let st = std::process::Command::new("qpdf")
        .arg("--check")
        .arg(&path)
        .output()
        .ok()?;
    // qpdf exits 0 for a clean file, 3 for warnings, 2 for errors.
    Some(st.status.code() != Some(2))
}

#[test]
fn corpus_opens_and_round_trips_without_panics() {
    let Some(files) = corpus() else {
        println!("corpus not found; skipping");
        return;
    };
    let (mut ok, mut errors, mut qpdf_bad) = (0, 0, 0);
    for f in &files {
        let bytes = std::fs::read(f).expect("read");
        let name = f
            .file_name()
            .unwrap_or_default()
            .to_string_lossy()
            .into_owned();
        let opened = std::panic::catch_unwind(|| PdfBackend.open(&bytes, &Limits::default()));
        let mut doc = match opened {
            Err(_) => panic!("{name}: open panicked"),
            Ok(Err(e)) => {
                println!("{name}: {e}");
                errors += 1;
                continue;
            }
            Ok(Ok(d)) => d,
        };
        let mut diags = Vec::new();
        let out = match doc.rewrite(&Plan::default(), &mut diags) {
            Ok(o) => o,
            Err(e) => {
                println!("{name}: rewrite failed: {e}");
                errors += 1;
                continue;
            }
        };
        if let Ok(dir) = std::env::var("DOCSAN_TEST_OUT") {
            let _ = std::fs::write(format!("{dir}/empty-{name}"), &out);
        }
        assert_eq!(
            out.windows(5).filter(|w| w == b"%%EOF").count(),
            1,
            "{name}: more than one revision"
        );
        assert_eq!(
            page_contents(&bytes),
            page_contents(&out),
            "{name}: page content changed"
        );
        let q = qpdf_check(&out);
        if q == Some(false) {
            println!("{name}: qpdf --check reports errors on the output");
            qpdf_bad += 1;
        }
        // A plan that masks the first visible character of every unit must also give a valid,
        // re-openable file.
        let edits: Vec<docsan_core::Edit> = doc
            .units()
            .iter()
            .filter_map(|u| {
                let (p, c) = u.text.char_indices().find(|(_, c)| c.is_alphanumeric())?;
                Some(docsan_core::Edit {
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
        match doc.rewrite(&plan, &mut Vec::new()) {
            Ok(masked) => {
                assert!(
                    PdfBackend.open(&masked, &Limits::default()).is_ok(),
                    "{name}: masked output does not re-open"
                );
                if qpdf_check(&masked) == Some(false) {
                    println!("{name}: qpdf --check reports errors on the masked output");
                    qpdf_bad += 1;
                }
            }
            Err(e) => println!("{name}: masked rewrite refused: {e}"),
        }
        println!(
            "{name}: ok, {} units, {} diagnostics",
            doc.units().len(),
            doc.diagnostics().len()
        );
        ok += 1;
    }
    println!(
        "corpus: {ok} ok, {errors} clean errors, {qpdf_bad} outputs failing qpdf --check, of {}",
        files.len()
    );
}
