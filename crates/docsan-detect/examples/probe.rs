//! Prints the findings for text given on the command line, for quick manual checks.

use docsan_core::{Detector, Location, Policy, TextUnit, UnitContext, UnitId, UnitKind};

fn main() {
    let engine = docsan_detect::Engine::new(&Policy::default()).expect("engine");
    let args: Vec<String> = std::env::args().skip(1).collect();
    let header = std::env::var("HEADER").ok();
    for a in args {
        let mut ctx = UnitContext::new(UnitKind::Body, Location::default());
        ctx.column_header = header.clone().map(Into::into);
        if header.is_some() {
            ctx.kind = UnitKind::TableCell;
        }
        let u = TextUnit::new(UnitId(0), a.as_str(), ctx);
        for f in engine.detect(&u) {
            println!(
                "{:?} {} {:?} {} -> {}",
                f.kind,
                f.rule,
                &a[f.range.clone()],
                f.confidence,
                engine.replacement(&f)
            );
        }
    }
}
