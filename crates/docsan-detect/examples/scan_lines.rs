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
    // With HEADERED set, each line is `column header<TAB>cell text` and becomes a sheet cell.
    let headered = std::env::var("HEADERED").is_ok();
    let units: Vec<TextUnit> = text
        .lines()
        .enumerate()
        .map(|(i, l)| {
            if headered && let Some((h, v)) = l.split_once('\t') {
                let mut ctx = UnitContext::new(UnitKind::SheetCell, Location::default());
                ctx.column_header = (!h.is_empty()).then(|| h.to_string()).map(Into::into);
                TextUnit::new(UnitId(i as u32), v, ctx)
            } else {
                TextUnit::new(
                    UnitId(i as u32),
                    l,
                    UnitContext::new(UnitKind::Body, Location::default()),
                )
            }
        })
        .collect();
    let show = std::env::var("SHOW_VALUES").is_ok();
    for f in engine.detect_all(&units) {
        let u = &units[f.unit.0 as usize];
        let v = if show {
            f.value.expose().to_string()
        } else {
            docsan_detect::mask_for_report(f.kind, f.value.expose()).to_string()
        };
        let before: String = u.text[..f.range.start]
            .chars()
            .rev()
            .take(8)
            .collect::<Vec<_>>()
            .into_iter()
            .rev()
            .collect();
        let ctx = format!(
            "{}|{before}",
            u.context.column_header.clone().unwrap_or_default()
        );
        println!("{}\t{}\t{}\t…{}", f.kind, f.rule, v, ctx);
    }
}
