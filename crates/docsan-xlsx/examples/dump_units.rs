//! Prints the units of a workbook with their contexts, for development (values are shown:
//! run it only on synthetic files).

use docsan_core::{Backend, Limits};

fn main() {
    let Some(path) = std::env::args().nth(1) else {
        eprintln!("usage: dump_units FILE.xlsx");
        return;
    };
    let bytes = match std::fs::read(&path) {
        Ok(b) => b,
        Err(e) => {
            eprintln!("{e}");
            return;
        }
    };
    match docsan_xlsx::XlsxBackend.open(&bytes, &Limits::default()) {
        Ok(doc) => {
            for u in doc.units() {
                println!(
                    "{:>4} {:<13} hdr={:<12} lbl={:<14} {} | {}",
                    u.id.0,
                    u.context.kind.as_str(),
                    u.context.column_header.clone().unwrap_or_default(),
                    u.context.label.clone().unwrap_or_default(),
                    u.context.location,
                    u.text
                );
            }
            for d in doc.diagnostics() {
                println!("diag: {d}");
            }
        }
        Err(e) => println!("error: {e}"),
    }
}
