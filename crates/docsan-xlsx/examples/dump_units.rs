//! Prints the units of a workbook with their contexts, for development. Texts are masked
//! unless `--show-values` is given (use that only on synthetic files).

use docsan_core::{Backend, Limits, Sensitive};

fn main() {
    let show = std::env::args().any(|a| a == "--show-values");
    let Some(path) = std::env::args().skip(1).find(|a| !a.starts_with("--")) else {
        eprintln!("usage: dump_units [--show-values] FILE.xlsx");
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
                    if show {
                        u.text.clone()
                    } else {
                        Sensitive::new(u.text.clone()).generic_mask().into()
                    }
                );
            }
            for d in doc.diagnostics() {
                println!("diag: {d}");
            }
        }
        Err(e) => println!("error: {e}"),
    }
}
