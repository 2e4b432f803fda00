#!/usr/bin/env bash
# fuzz/run.sh TARGET [SECONDS] [EXTRA_SEED_DIR…]
#
# Builds one target with fuzz/build.sh (real libFuzzer on stable Rust) and runs it for SECONDS
# (default 300) with a 10 s per-input timeout and a 2 GB memory limit. New interesting inputs go
# to fuzz/corpus/TARGET/; seeds come from fuzz/seeds/TARGET/ (refreshed by fuzz/seeds.sh from
# the repository's samples and regression fixtures) and any EXTRA_SEED_DIR, read-only (e.g.
# ../shared/corpus/pdf; never copied into the repository). Crashes, timeouts and OOMs are
# written to fuzz/artifacts/TARGET/. Extra libFuzzer flags can be given in LIBFUZZER_FLAGS
# (e.g. "-max_len=65536" or "-jobs=2 -workers=2").
set -euo pipefail

target=${1:?usage: fuzz/run.sh TARGET [SECONDS] [EXTRA_SEED_DIR…]}
seconds=${2:-300}
shift $(($# >= 2 ? 2 : 1))
extra=()
for d in "$@"; do extra+=("$(cd "$d" && pwd)"); done
cd "$(dirname "$0")"
[ -f "fuzz_targets/$target.rs" ] || { echo "unknown target $target" >&2; exit 2; }

./build.sh "$target"
./seeds.sh >/dev/null
host=$(rustc -vV | sed -n 's/^host: //p')
mkdir -p "corpus/$target" "artifacts/$target"
# shellcheck disable=SC2086
exec "${CARGO_TARGET_DIR:-$PWD/target}/$host/release/$target" \
  -rss_limit_mb=2048 -timeout=10 -max_total_time="$seconds" -print_final_stats=1 \
  -artifact_prefix="artifacts/$target/" ${LIBFUZZER_FLAGS:-} \
  "corpus/$target" "seeds/$target" "${extra[@]}"
