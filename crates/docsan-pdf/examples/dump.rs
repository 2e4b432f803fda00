//! Prints the units of a PDF (for development: fake data only).

use docsan_core::{Backend, Limits};

fn main() {
    let Some(path) = std::env::args().nth(1) else {
        eprintln!("usage: dump FILE.pdf");
        return;
    };
    let bytes = std::fs::read(&path).expect("read");
    match docsan_pdf::PdfBackend.open(&bytes, &Limits::default()) {
        Ok(doc) => {
            for u in doc.units() {
                println!(
                    "{:>4} {:<10} {:<12} {:<14} {:?}",
                    u.id.0,
                    u.context.kind.as_str(),
                    u.context.column_header.as_deref().unwrap_or("-"),
                    u.context.label.as_deref().unwrap_or("-"),
                    u.text
                );
            }
            for d in doc.diagnostics() {
                println!("{d}");
            }
        }
        Err(e) => println!("error: {e}"),
    }
}
