#!/usr/bin/env bash
# Seeds fuzz/corpus/{replay,snapshot} from the conformance cases: each case's
# lines for `replay`, and each snapshot that replaying a case ends with for
# `snapshot`. The corpora are made here, never committed (.gitignore).
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --quiet --features cli --bin incident
mkdir -p fuzz/corpus/replay fuzz/corpus/snapshot
for case in tests/conformance/cases/*.jsonl; do
  name=$(basename "$case" .jsonl)
  cp "$case" "fuzz/corpus/replay/$name"
  # Exit 1/2 is a case that refuses a line on purpose; the snapshots still count.
  target/debug/incident replay --keep-going --format json "$case" >"fuzz/corpus/$name.out" || true
  python3 - "fuzz/corpus/$name.out" "fuzz/corpus/snapshot/$name" <<'PY'
import json, sys
out, prefix = sys.argv[1], sys.argv[2]
for i, snapshot in enumerate(json.load(open(out))["incidents"]):
    with open(f"{prefix}-{i}.json", "w") as f:
        json.dump(snapshot, f)
PY
  rm "fuzz/corpus/$name.out"
done
# A libFuzzer dictionary of every field name and enum value in the schemas,
# so the fuzzer spends its time past the JSON parser.
schemas=$(mktemp -d)
target/debug/incident schema --out "$schemas" >/dev/null
python3 - "$schemas" fuzz/corpus/incident.dict <<'PY'
import json, os, sys
words = set()
def walk(node):
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "properties" and isinstance(value, dict):
                words.update(value)
            if key in ("enum", "const"):
                for v in value if isinstance(value, list) else [value]:
                    if isinstance(v, str):
                        words.add(v)
            walk(value)
    elif isinstance(node, list):
        for v in node:
            walk(v)
for name in os.listdir(sys.argv[1]):
    walk(json.load(open(os.path.join(sys.argv[1], name))))
with open(sys.argv[2], "w") as f:
    for w in sorted(words):
        f.write('"\\"%s\\""\n' % w.replace('"', ''))
PY
rm -r "$schemas"
echo "replay: $(ls fuzz/corpus/replay | wc -l) seeds; snapshot: $(ls fuzz/corpus/snapshot | wc -l) seeds"
