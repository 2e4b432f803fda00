//! Opens the synthetic large sheet and exits, to measure extraction memory (development aid).

use docsan_core::{Backend, Limits};

fn main() {
    let rows: usize = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(100_000);
    let bytes = docsan_xlsx::generate_large_sheet(rows);
    match docsan_xlsx::XlsxBackend.open(&bytes, &Limits::default()) {
        Ok(doc) => println!("units {}", doc.units().len()),
        Err(e) => eprintln!("{e}"),
    }
}
