//! Measures open and rewrite throughput on the synthetic large sheet (for development; the
//! project's benchmark lives in xtask).

use docsan_core::{Backend, Edit, Limits, Plan};
use std::time::Instant;

fn main() {
    let rows: usize = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(100_000);
    let bytes = docsan_xlsx::generate_large_sheet(rows);
    let t = Instant::now();
    let mut doc = match docsan_xlsx::XlsxBackend.open(&bytes, &Limits::default()) {
        Ok(d) => d,
        Err(e) => {
            eprintln!("{e}");
            return;
        }
    };
    let t_open = t.elapsed();
    let edits: Vec<Edit> = doc
        .units()
        .iter()
        .filter(|u| {
            matches!(
                u.context.column_header.as_deref(),
                Some("身份证号" | "联系电话" | "姓名")
            )
        })
        .map(|u| Edit {
            unit: u.id,
            range: 0..u.text.len(),
            replacement: u
                .text
                .chars()
                .map(|c| if c.is_ascii() { '*' } else { '＊' })
                .collect(),
        })
        .collect();
    let n_edits = edits.len();
    let plan = Plan {
        edits,
        ..Plan::default()
    };
    let t = Instant::now();
    let mut diags = Vec::new();
    let out = match doc.rewrite(&plan, &mut diags) {
        Ok(o) => o,
        Err(e) => {
            eprintln!("{e}");
            return;
        }
    };
    let t_rw = t.elapsed();
    let xml_bytes: usize = {
        use std::io::Read;
        let mut z = zip::ZipArchive::new(std::io::Cursor::new(&bytes)).expect("zip");
        (0..z.len())
            .map(|i| {
                let mut v = Vec::new();
                z.by_index(i)
                    .expect("entry")
                    .read_to_end(&mut v)
                    .expect("read");
                v.len()
            })
            .sum()
    };
    let mb = xml_bytes as f64 / 1e6;
    println!(
        "rows {rows}: zip {:.1} MB, xml {mb:.1} MB, units {}, edits {n_edits}; open {:.2}s ({:.1} MB/s), rewrite {:.2}s ({:.1} MB/s); output {:.1} MB",
        bytes.len() as f64 / 1e6,
        doc.units().len(),
        t_open.as_secs_f64(),
        mb / t_open.as_secs_f64(),
        t_rw.as_secs_f64(),
        mb / t_rw.as_secs_f64(),
        out.len() as f64 / 1e6
    );
}
