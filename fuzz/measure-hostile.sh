#!/usr/bin/env bash
# Measures the hostile sizes through the release binary: for each input, the
# exit code, the report's size, the wall time and the peak memory (max RSS)
# that `/usr/bin/time -v` reports. The inputs are made in a temporary folder
# and deleted afterwards (about 300 MB of disk while it runs).
#
#   fuzz/measure-hostile.sh            # from the repository root
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --quiet --release --features cli --bin incident
bin=$PWD/target/release/incident
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT

python3 - "$dir" tests/conformance/cases/happy-sev1-full-lifecycle.jsonl <<'PY'
import json, sys
out, case = sys.argv[1], sys.argv[2]
happy = open(case).read().splitlines()
declare = happy[0]
LIMIT = 16 * 1024 * 1024
def write(name, lines):
    with open(f"{out}/{name}.jsonl", "w") as f:
        f.write("\n".join(lines) + "\n")
def fill(line, marker, unit):
    """`line` with copies of `unit` after `marker`, up to just under 16 MiB."""
    i = line.index(marker) + len(marker)
    n = (LIMIT - 200 - len(line)) // (len(unit) + 1)
    return line[:i] + ",".join([unit] * n) + "," + line[i:]
note = json.loads(happy[6]); note["text"] = "x" * (100 * 1024 * 1024)
write("line-100MB", [json.dumps(note), declare])
d = json.loads(declare); d["roles"]["commander"] = d["update"]["owner"] = "A" * (1 << 20)
write("name-1MB", [json.dumps(d)])
pm = json.loads(happy[11]); pm["postmortem"]["action_items"] *= 100_000
write("action-items-100k", happy[:11] + [json.dumps(pm)])
write("action-items-empty-16MiB", happy[:11] + [fill(happy[11], '"action_items": [', "{}")])
write("owners-blank-16MiB", happy[:11] + [fill(happy[11], '"owners": [', '""')])
write("verification-endpoints-16MiB", happy[:10] + [fill(happy[10], '"endpoints": [', "{}")])
write("numbers-16MiB", ["[" + ",".join(["0"] * ((LIMIT - 10) // 2)) + "]"])
write("echoed-enum-16MiB", [declare.replace('"SEV1"', '"' + "S" * (LIMIT - len(declare) - 10) + '"', 1)])
write("nested-10000", ["[" * 10_000 + "]" * 10_000,
                       declare.replace('"flags": [', '"flags": ' + "[" * 10_000, 1)])
inc = "6f1c1d52-3c0e-4d8e-9a51-0d6b8a1f2e01"
d = {"type": "declare", "incident_id": inc, "command_id": "00000000-0000-4000-8000-000000000000",
     "at": "2026-06-03T08:00:00Z", "title": "Slow exports", "severity": "SEV3",
     "impact": {"environment": "production", "users": "Tenants exporting", "feature": "Export",
                "started_at": "2026-06-03T07:40:00Z", "flags": ["degraded_feature"]},
     "roles": {"commander": "Ola"},
     "update": {"impact": "slow", "action": "looking", "owner": "Ola",
                "next_update": "2026-06-03T09:00:00Z"}}
notes = [json.dumps({"type": "add_note", "incident_id": inc,
                     "command_id": "00000000-0000-4000-8000-%012d" % i,
                     "at": "2026-06-03T08:01:00Z", "text": "note %d" % i})
         for i in range(1, 100_001)]
write("history-100k", [json.dumps(d)] + notes)
PY

measure() { # name, then the command
  local name=$1; shift
  local code=0
  /usr/bin/time -v "$@" >"$dir/out" 2>"$dir/time" || code=$?
  local rss wall
  rss=$(awk -F': ' '/Maximum resident/ {print $2}' "$dir/time")
  wall=$(awk -F': ' '/Elapsed \(wall/ {print $2}' "$dir/time")
  printf '%-38s %12s %5s %12s %10s %10s\n' "$name" "$(stat -c %s "$input")" "$code" \
    "$(stat -c %s "$dir/out")" "$wall" "$((rss / 1024)) MiB"
}
printf '%-38s %12s %5s %12s %10s %10s\n' input bytes exit report wall max-RSS
for input in "$dir"/*.jsonl; do
  measure "replay $(basename "$input" .jsonl)" "$bin" replay --keep-going --format json "$input"
done
input=$dir/history-100k.json
"$bin" replay --format json "$dir/history-100k.jsonl" >"$input"
measure "check history-100k" "$bin" check --format json "$input"
