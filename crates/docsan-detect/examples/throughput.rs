//! Times `Engine::detect` on generated text with and without personal data (MB/s, one core).

use docsan_core::{Detector, Location, Policy, TextUnit, UnitContext, UnitId, UnitKind};

/// Nanoseconds this thread has spent on a CPU (Linux), so that a loaded machine does not
/// distort the figure; falls back to wall-clock time elsewhere.
struct Clock(std::time::Instant);

impl Clock {
    fn now() -> Self {
        Clock(std::time::Instant::now())
    }
    fn cpu_ns() -> Option<u64> {
        let s = std::fs::read_to_string("/proc/thread-self/schedstat").ok()?;
        s.split_whitespace().next()?.parse().ok()
    }
    fn elapsed(&self, cpu_start: Option<u64>) -> f64 {
        match (cpu_start, Self::cpu_ns()) {
            (Some(a), Some(b)) => (b - a) as f64 / 1e9,
            _ => self.0.elapsed().as_secs_f64(),
        }
    }
}

fn main() {
    let engine = docsan_detect::Engine::new(&Policy::default()).expect("engine");
    let size = 16 << 20;
    for (name, text) in [
        ("no personal data", docsan_detect::bench_text(size, 0)),
        ("with personal data", docsan_detect::bench_corpus_text(size)),
    ] {
        let only = std::env::var("ONLY").unwrap_or_default();
        if !only.is_empty() && !name.contains(only.as_str()) {
            continue;
        }
        // Paragraph units, as backends deliver them (skipped with ONE_ONLY set).
        let one_only = std::env::var("ONE_ONLY").is_ok();
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
        let (t, c) = (Clock::now(), Clock::cpu_ns());
        let mut n = 0;
        for u in units.iter().filter(|_| !one_only) {
            n += engine.detect(u).len();
        }
        let dt = t.elapsed(c);
        println!(
            "{name:<20} {:>8.1} MB/s  ({n} findings, {} units)",
            text.len() as f64 / dt / 1e6,
            units.len()
        );
        // The whole document at once, as `cargo xtask bench` and the facade call it.
        let (t, c) = (Clock::now(), Clock::cpu_ns());
        let n = if one_only {
            0
        } else {
            engine.detect_all(&units).len()
        };
        let dt = t.elapsed(c);
        if !one_only {
            println!(
                "{name:<20} {:>8.1} MB/s  ({n} findings, detect_all)",
                text.len() as f64 / dt / 1e6
            );
        }
        let one = TextUnit::new(
            UnitId(0),
            text.as_str(),
            UnitContext::new(UnitKind::Body, Location::default()),
        );
        let (t, c) = (Clock::now(), Clock::cpu_ns());
        let n = engine.detect(&one).len();
        let dt = t.elapsed(c);
        println!(
            "{name:<20} {:>8.1} MB/s  ({n} findings, one unit)",
            text.len() as f64 / dt / 1e6
        );
    }
}
