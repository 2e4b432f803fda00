//! The release gate on the dev-set: `verify` finds personal data in every original (including
//! the PDF whose old revision and painted-over text still hold the values) and passes every
//! output docsan wrote. Skips when ../shared/dev-set is absent.

use docsan::{Options, Sanitizer, Status};

#[test]
fn verify_flags_every_original_and_passes_every_output() {
    let Some(shared) = docsan_tests::shared_dir() else {
        eprintln!("skipping: ../shared/dev-set not found");
        return;
    };
    let dir = shared.join("dev-set");
    let s = Sanitizer::new(Options::default()).unwrap();
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".pdf") || n.ends_with(".docx") || n.ends_with(".xlsx"))
        .collect();
    names.sort();
    assert!(!names.is_empty());
    for name in names {
        let bytes = std::fs::read(dir.join(&name)).unwrap();
        let original = s.verify(&bytes, Some(&name));
        assert_eq!(
            original.status,
            Status::Found,
            "{name}: verify missed the personal data of the original"
        );
        let (_, out) = s.sanitize(&bytes, Some(&name));
        if let Some(out) = out {
            let checked = s.verify(&out, Some(&name));
            assert_eq!(
                checked.status,
                Status::Clean,
                "{name}: verify flags docsan's own output: {:?}",
                checked
                    .findings
                    .iter()
                    .chain(&checked.residues)
                    .map(|f| (f.kind, f.rule.clone(), f.location.to_string()))
                    .collect::<Vec<_>>()
            );
        }
    }
}
