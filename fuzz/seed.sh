#!/usr/bin/env bash
# Seeds the fuzz corpus with the real specs (the small ones: libFuzzer caps input size)
# and the generator's fixtures.
set -euo pipefail
cd "$(dirname "$0")"
mkdir -p corpus/load_and_lower
for spec in ../../shared/corpus/*.yaml ../../shared/corpus/*.json ../crates/generator/tests/fixtures/*.yaml ../crates/generator/tests/invalid/*; do
  if [ "$(stat -c %s "$spec")" -le 65536 ]; then
    cp "$spec" corpus/load_and_lower/
  fi
done
ls corpus/load_and_lower | wc -l
