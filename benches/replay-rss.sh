#!/usr/bin/env bash
# Peak resident memory of `incident replay` against the size of its input,
# for generated streams of N incidents × 100 commands (arguments: the Ns;
# with --open first, incidents that never resolve or close; with --hot K
# first, the arguments are line counts, each a stream of K incidents
# interleaved and written to until its last lines: `generate --hot`).
# A harness, not a test: it prints figures; docs/performance.md quotes them.
set -euo pipefail
cd "$(dirname "$0")/.."
T="${CARGO_TARGET_DIR:-target}"
open=()
hot=0
if [[ "${1:-}" == --open ]]; then
  open=(--open)
  shift
elif [[ "${1:-}" == --hot ]]; then
  hot=$2
  shift 2
fi
cargo build -q --release --features cli --example generate --bin incident
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
printf '%8s %12s %12s %7s\n' lines input_bytes peak_rss_kb ratio
for n in "${@:-200 1000 4000}"; do
  for m in $n; do
    if ((hot > 0)); then
      "$T"/release/examples/generate --hot --incidents "$hot" --commands-per-incident $((m / hot)) > "$dir/s.jsonl"
    else
      "$T"/release/examples/generate --incidents "$m" --commands-per-incident 100 "${open[@]}" > "$dir/s.jsonl"
    fi
    kb=$(/usr/bin/time -f %M "$T"/release/incident replay --format json "$dir/s.jsonl" 2>&1 >/dev/null | tail -1)
    bytes=$(stat -c %s "$dir/s.jsonl")
    lines=$(wc -l < "$dir/s.jsonl")
    python3 -c "print(f'{$lines:8d} {$bytes:12d} {$kb:12d} {$kb*1024/$bytes:7.2f}')"
  done
done
