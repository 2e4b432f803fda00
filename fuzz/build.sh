#!/usr/bin/env bash
# fuzz/build.sh [TARGET…]: builds the cargo-fuzz targets (all, or the ones named) as real
# coverage-guided libFuzzer binaries on *stable* Rust, into
# ${CARGO_TARGET_DIR:-fuzz/target}/HOST/release/TARGET. The flags are the ones cargo-fuzz passes
# with `-s none` (sanitizer coverage: inline 8-bit counters, PC table, compare tracing;
# `--cfg fuzzing`), plus debug assertions and overflow checks as in cargo-fuzz's default build.
# No nightly and no RUSTC_BOOTSTRAP; `cargo fuzz build -s none` works as well.
#
# lopdf is built unoptimized (fuzz/Cargo.toml): about 2.5 minutes from clean on 2 cores instead
# of 9, but PDF inputs run about 2.8 times slower. For long PDF runs set FUZZ_LOPDF_OPT=3 (the
# first build then takes about 9 minutes).
set -euo pipefail
cd "$(dirname "$0")"

host=$(rustc -vV | sed -n 's/^host: //p')
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$PWD/target}
export RUSTFLAGS="-Cpasses=sancov-module -Cllvm-args=-sanitizer-coverage-level=4 \
-Cllvm-args=-sanitizer-coverage-inline-8bit-counters -Cllvm-args=-sanitizer-coverage-pc-table \
-Cllvm-args=-sanitizer-coverage-trace-compares --cfg fuzzing -Cdebug-assertions -Coverflow-checks"
bins=()
for t in "$@"; do bins+=(--bin "$t"); done
[ $# -gt 0 ] || bins=(--bins)
config=()
[ -z "${FUZZ_LOPDF_OPT:-}" ] || config=(--config "profile.release.package.lopdf.opt-level=$FUZZ_LOPDF_OPT")
# --target keeps RUSTFLAGS off build scripts and proc macros, as cargo-fuzz does.
cargo build --release --target "$host" "${config[@]}" "${bins[@]}"
