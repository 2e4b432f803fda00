//! `Options::list_limit`: a report lists at most that many findings per file, counts every
//! finding, and the checks that need every value (`verify --against`, the de-duplication in
//! `verify`) still see all of them.

use docsan::core::PiiKind;
use docsan::{Options, Sanitizer, Status};

fn id_with_check(first17: &str) -> String {
    const W: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
    let sum: u32 = first17
        .bytes()
        .zip(W)
        .map(|(b, w)| u32::from(b - b'0') * w)
        .sum();
    format!("{first17}{}", b"10X98765432"[(sum % 11) as usize] as char)
}

/// A roster of `n` rows: an ID and a phone number each.
fn roster(n: u32) -> (String, Vec<String>, Vec<String>) {
    let mut csv = String::from("序号,身份证号,联系电话\n");
    let (mut ids, mut phones) = (Vec::new(), Vec::new());
    for i in 0..n {
        let id = id_with_check(&format!("34070219900101{:03}", i));
        let phone = format!("138{:08}", 10_000_000 + i * 7919);
        csv.push_str(&format!("{},{id},{phone}\n", i + 1));
        ids.push(id);
        phones.push(phone);
    }
    (csv, ids, phones)
}

fn sanitizer(limit: Option<usize>) -> Sanitizer {
    Sanitizer::new(Options {
        list_limit: limit,
        ..Options::default()
    })
    .unwrap()
}

#[test]
fn reports_list_up_to_the_limit_and_count_everything() {
    let (csv, _, _) = roster(30);
    let all = sanitizer(None);
    let few = sanitizer(Some(5));

    let full = all.scan(csv.as_bytes(), Some("r.csv"));
    assert_eq!(full.findings.len(), 60);
    assert_eq!(full.findings_omitted, 0);

    let cut = few.scan(csv.as_bytes(), Some("r.csv"));
    assert_eq!(cut.status, Status::Found);
    assert_eq!(cut.findings.len(), 5);
    assert_eq!(cut.findings_omitted, 55);
    assert_eq!(
        cut.counts, full.counts,
        "counts cover the unlisted findings"
    );
    assert_eq!(cut.counts.get(&PiiKind::Id18), Some(&30));
    // The listed ones are the first in document order.
    for (a, b) in cut.findings.iter().zip(&full.findings) {
        assert_eq!(a.location, b.location);
        assert_eq!(a.masked, b.masked);
    }

    let (rep, out) = few.sanitize(csv.as_bytes(), Some("r.csv"));
    assert_eq!(rep.status, Status::Sanitized, "{:?}", rep.error);
    assert_eq!(rep.findings.len(), 5);
    assert_eq!(rep.findings_omitted, 55);
    assert_eq!(rep.counts, full.counts);
    let (_, out_all) = all.sanitize(csv.as_bytes(), Some("r.csv"));
    assert_eq!(out, out_all, "the list limit never changes the output");

    let v = few.verify(csv.as_bytes(), Some("r.csv"));
    assert_eq!(v.status, Status::Found);
    assert_eq!(v.findings.len(), 5);
    assert_eq!(
        v.residues_omitted + v.residues.len(),
        0,
        "the verifier's hits are de-duplicated against every finding, listed or not"
    );
    assert_eq!(v.counts, full.counts);
}

#[test]
fn verify_against_searches_values_beyond_the_limit() {
    let (csv, _, phones) = roster(30);
    let s = sanitizer(Some(1));
    let (_, out) = s.sanitize(csv.as_bytes(), Some("r.csv"));
    let out = String::from_utf8(out.expect("sanitized")).unwrap();
    let good = s.verify_against(csv.as_bytes(), out.as_bytes(), Some("r.csv"));
    assert_eq!(good.status, Status::Clean, "{:?}", good.error);

    // The last row's phone number comes back glued into a longer number, where detection
    // does not see a phone number: only the search for the original values finds it.
    let last = phones.last().unwrap();
    let leaked = out.replacen("\n30,", &format!("\n99{last}00,"), 1);
    assert_ne!(leaked, out);
    let alone = s.verify(leaked.as_bytes(), Some("r.csv"));
    assert_eq!(
        alone.status,
        Status::Clean,
        "premise: detection alone does not flag the glued number"
    );
    let bad = s.verify_against(csv.as_bytes(), leaked.as_bytes(), Some("r.csv"));
    assert_eq!(
        bad.status,
        Status::Found,
        "the 60th value, far beyond a list limit of 1, is still searched: {:?}",
        bad.error
    );
}
