//! A deterministic synthetic workbook for the project's benchmark.

/// Builds a workbook with `rows` data rows (not implemented yet: returns an empty vector).
pub fn generate_large_sheet(rows: usize) -> Vec<u8> {
    let _ = rows;
    Vec::new()
}
