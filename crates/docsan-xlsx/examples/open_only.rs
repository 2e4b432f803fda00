//! Opens a workbook (or the synthetic large sheet) and exits, to measure extraction time and
//! memory (development aid).

use docsan_core::{Backend, Limits};
use std::time::Instant;

fn main() {
    let arg = std::env::args().nth(1).unwrap_or_else(|| "100000".into());
    let bytes = match arg.parse::<usize>() {
        Ok(rows) => docsan_xlsx::generate_large_sheet(rows),
        Err(_) => std::fs::read(&arg).unwrap_or_default(),
    };
    if let Some(out) = std::env::args().nth(2) {
        let _ = std::fs::write(out, &bytes);
        return;
    }
    let t = Instant::now();
    match docsan_xlsx::XlsxBackend.open(&bytes, &Limits::default()) {
        Ok(doc) => println!(
            "units {} in {:.3}s",
            doc.units().len(),
            t.elapsed().as_secs_f64()
        ),
        Err(e) => eprintln!("{e}"),
    }
}
