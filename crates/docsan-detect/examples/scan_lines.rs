//! Reads text from standard input, one Body unit per line, and prints each finding's kind,
//! rule and masked value: a quick way to look for false alarms on real documents.

use docsan_core::{Detector, Location, Policy, TextUnit, UnitContext, UnitId, UnitKind};
use std::io::Read;

fn main() {
    let engine = docsan_detect::Engine::new(&Policy::default()).expect("engine");
    let mut text = String::new();
    if std::io::stdin().read_to_string(&mut text).is_err() {
        return;
    }
    let units: Vec<TextUnit> = text
        .lines()
        .enumerate()
        .map(|(i, l)| {
            TextUnit::new(
                UnitId(i as u32),
                l,
                UnitContext::new(UnitKind::Body, Location::default()),
            )
        })
        .collect();
    let show = std::env::var("SHOW_VALUES").is_ok();
    for f in engine.detect_all(&units) {
        let u = &units[f.unit.0 as usize];
        let v = if show {
            f.value.expose().to_string()
        } else {
            docsan_detect::mask_for_report(f.kind, f.value.expose())
        };
        let ctx: String = u.text[..f.range.start]
            .chars()
            .rev()
            .take(8)
            .collect::<Vec<_>>()
            .into_iter()
            .rev()
            .collect();
        println!("{}\t{}\t{}\t…{}", f.kind, f.rule, v, ctx);
    }
}
