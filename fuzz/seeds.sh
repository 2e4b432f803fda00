#!/usr/bin/env bash
# fuzz/seeds.sh: fills fuzz/seeds/TARGET/ with seed inputs from the repository's own generated
# samples (samples/), the PDF test fixtures and the saved fuzz regression fixtures. Idempotent;
# fuzz/seeds/ is not committed. Third-party files (../shared/corpus) are never copied here: pass
# such a directory to fuzz/run.sh as an extra, read-only seed directory instead.
set -euo pipefail
cd "$(dirname "$0")/.."

add() { # add TARGET FILE…
  local t=$1; shift
  mkdir -p "fuzz/seeds/$t"
  for f in "$@"; do
    [ -f "$f" ] || continue
    # Content-addressed names: re-running adds nothing twice.
    cp "$f" "fuzz/seeds/$t/$(sha1sum "$f" | cut -c1-16)"
  done
}

mapfile -t pdf < <(find samples crates/docsan-pdf/tests/fixtures -type f -name '*.pdf' | sort)
mapfile -t docx < <(find samples -type f -name '*.docx' | sort)
mapfile -t xlsx < <(find samples -type f -name '*.xlsx' | sort)
mapfile -t text < <(find samples -type f \( -name '*.csv' -o -name '*.txt' \) | sort)

add pdf "${pdf[@]}"
add docx "${docx[@]}"
add xlsx "${xlsx[@]}"
add csv "${text[@]}"
add detect "${text[@]}"
add pipeline "${pdf[@]}" "${docx[@]}" "${xlsx[@]}" "${text[@]}"
if command -v python3 >/dev/null 2>&1; then
  python3 fuzz/parts.py fuzz/seeds/docx-parts "${docx[@]}"
  python3 fuzz/parts.py fuzz/seeds/xlsx-parts "${xlsx[@]}"
else
  echo "seeds: no python3, no seeds for docx-parts and xlsx-parts" >&2
fi

# Every saved regression fixture seeds its own target.
for d in tests/fixtures/fuzz/*/; do
  [ -d "$d" ] || continue
  t=$(basename "$d")
  mapfile -t fx < <(find "$d" -type f | sort)
  add "$t" "${fx[@]}"
done

for t in fuzz/seeds/*/; do
  echo "seeds: $(basename "$t"): $(find "$t" -type f | wc -l) file(s)"
done
