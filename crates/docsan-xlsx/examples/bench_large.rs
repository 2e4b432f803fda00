//! Measures open and rewrite throughput on the synthetic large sheet (for development; the
//! project's benchmark lives in xtask).

use docsan_core::{Backend, Edit, Limits, Plan};
use std::time::Instant;

/// CPU seconds used by this process so far (Linux `/proc/self/stat`; 0 elsewhere), so that
/// throughput can be read on a loaded machine.
fn cpu_seconds() -> f64 {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    let after = stat.rsplit(')').next().unwrap_or("");
    let f: Vec<&str> = after.split_whitespace().collect();
    let ticks: f64 = f.get(11).and_then(|v| v.parse().ok()).unwrap_or(0.0)
        + f.get(12).and_then(|v| v.parse().ok()).unwrap_or(0.0);
    ticks / 100.0
}

fn main() {
    let rows: usize = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(100_000);
    let bytes = docsan_xlsx::generate_large_sheet(rows);
    // `bench_large ROWS PATH` only writes the sheet, for profiling the whole CLI on it.
    if let Some(path) = std::env::args().nth(2) {
        if let Err(e) = std::fs::write(&path, &bytes) {
            eprintln!("{path}: {e}");
        }
        return;
    }
    let t = Instant::now();
    let c0 = cpu_seconds();
    let mut doc = match docsan_xlsx::XlsxBackend.open(&bytes, &Limits::default()) {
        Ok(d) => d,
        Err(e) => {
            eprintln!("{e}");
            return;
        }
    };
    let t_open = t.elapsed();
    let c_open = cpu_seconds() - c0;
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
    let c1 = cpu_seconds();
    let mut diags = Vec::new();
    let out = match doc.rewrite(&plan, &mut diags) {
        Ok(o) => o,
        Err(e) => {
            eprintln!("{e}");
            return;
        }
    };
    let t_rw = t.elapsed();
    let c_rw = cpu_seconds() - c1;
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
        "cpu: open {c_open:.2}s ({:.1} MB/s), rewrite {c_rw:.2}s ({:.1} MB/s)",
        mb / c_open.max(0.01),
        mb / c_rw.max(0.01)
    );
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
