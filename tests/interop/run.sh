#!/usr/bin/env bash
# Interop check: non-Rust tools read and write the same JSON contract as the Rust side.
#
#   bash tests/interop/run.sh [SCHEMAS_DIR] [CASES_DIR] [INCIDENT_BINARY]
#   (defaults: schemas  tests/conformance/cases  ${CARGO_TARGET_DIR:-target}/debug/incident;
#   run from the repo root)
#
# 1. Installs the pinned tools into ${CARGO_TARGET_DIR:-target}/interop/ (re-used while the pins
#    are unchanged):
#    npm (package.json + package-lock.json here, `npm ci`): ajv, ajv-formats,
#    json-schema-to-typescript, typescript; a venv (requirements.txt here): jsonschema,
#    datamodel-code-generator, pydantic v2.
# 2. Compiles every schema with Ajv2020 in strict mode (strict: true; + ajv-formats, schemars'
#    numeric formats such as uint64 with range checks, and the schemas' own "x-..." keys as
#    annotation keywords) and checks it against the Draft 2020-12 meta-schema with jsonschema.
# 3. Runs `INCIDENT_BINARY replay --keep-going --format json CASE.jsonl` once per case; every
#    line rejected as malformed-input must be rejected, and every accepted line accepted, by
#    both Ajv and jsonschema's Draft202012Validator (+ FormatChecker) against command.schema.json.
# 4. Generates TypeScript from command/snapshot schemas (the command type is $defs/AnyCommand)
#    and type-checks declare-sev1.ts (a valid SEV1 declare) and closed-types.ts (unknown field /
#    unknown severity must be type errors) with tsc --strict --noEmit.
# 5. Generates pydantic v2 models (extra="forbid") from command.schema.json: every accepted line
#    parses into the AnyCommand union, a copy with an unknown field does not; a SEV1 declare
#    without scribe (or engineering lead, or communications owner) is rejected by the schema.
# 6. The command schema dispatches on `type`: a declare with a bad severity is reported at
#    $.severity by jsonschema's best_match and by Ajv, and as one error by the pydantic model.
# 7. Every snapshot the cases' replays print validates against snapshot.schema.json (jsonschema
#    and Ajv); the first SEV1 one without its scribe does not.
# 8. docs/other-languages.md's Python and TypeScript steps (blocks marked <!-- interop: NAME -->, see
#    readme_steps.py) run as written in a scratch folder with these pinned tools.
# Prints one line per check group (details only on failure), then 'N passed, N failed'.
# Exit status: 0 when everything passed, 1 otherwise.
set -uo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
SCHEMAS="${1:-schemas}"
CASES="${2:-tests/conformance/cases}"
abspath() { case "$1" in /*) printf '%s\n' "$1" ;; *) printf '%s\n' "$PWD/$1" ;; esac; }
# Where cargo builds: CARGO_TARGET_DIR (relative to where cargo runs, here the repo root) or target/.
TARGET_DIR="$(cd "$ROOT" && abspath "${CARGO_TARGET_DIR:-target}")"
BINARY="${3:-$TARGET_DIR/debug/incident}"
SCRATCH="${INTEROP_SCRATCH:-$TARGET_DIR/interop}"   # INTEROP_SCRATCH: only to test this script

SCHEMAS="$(abspath "$SCHEMAS")"
CASES="$(abspath "$CASES")"
BINARY="$(abspath "$BINARY")"

fail_setup() {
  echo "FAIL setup: $1"
  [ -n "${2:-}" ] && [ -f "$2" ] && tail -n 25 "$2" | sed 's/^/       /'
  echo "0 passed, 1 failed"
  exit 1
}

hash_of() { cat "$@" | sha256sum | cut -d' ' -f1; }

mkdir -p "$SCRATCH" || fail_setup "cannot create $SCRATCH"
command -v node >/dev/null || fail_setup "node is not installed"
command -v npm >/dev/null || fail_setup "npm is not installed"
command -v python3 >/dev/null || fail_setup "python3 is not installed"

# ---- npm tools: npm ci from the committed lock file, into $SCRATCH/node -------------------
NODE_DIR="$SCRATCH/node"
NODE_STAMP="$(hash_of "$HERE/package.json" "$HERE/package-lock.json"; node --version)"
if [ "$(cat "$NODE_DIR/.installed" 2>/dev/null)" != "$NODE_STAMP" ] || [ ! -x "$NODE_DIR/node_modules/.bin/tsc" ]; then
  echo "installing npm tools into ${NODE_DIR#"$ROOT"/} ..."
  rm -rf "$NODE_DIR" && mkdir -p "$NODE_DIR"
  cp "$HERE/package.json" "$HERE/package-lock.json" "$NODE_DIR/"
  ( cd "$NODE_DIR" && npm ci --no-audit --no-fund --ignore-scripts --loglevel=error ) \
      >"$SCRATCH/npm-install.log" 2>&1 </dev/null \
    || fail_setup "npm ci failed (log: $SCRATCH/npm-install.log)" "$SCRATCH/npm-install.log"
  echo "$NODE_STAMP" >"$NODE_DIR/.installed"
fi

# ---- Python tools: a venv in $SCRATCH/venv from the fully pinned requirements.txt ---------
VENV="$SCRATCH/venv"
PY_STAMP="$(hash_of "$HERE/requirements.txt"; python3 -c 'import sys; print(sys.version)')"
if [ "$(cat "$VENV/.installed" 2>/dev/null)" != "$PY_STAMP" ] || [ ! -x "$VENV/bin/datamodel-codegen" ]; then
  echo "installing Python tools into ${VENV#"$ROOT"/} ..."
  rm -rf "$VENV"
  { python3 -m venv "$VENV" \
      && "$VENV/bin/python" -m pip install --disable-pip-version-check --no-input -q -r "$HERE/requirements.txt" \
      && "$VENV/bin/python" -m pip check; } >"$SCRATCH/pip-install.log" 2>&1 </dev/null \
    || fail_setup "pip install failed (log: $SCRATCH/pip-install.log)" "$SCRATCH/pip-install.log"
  echo "$PY_STAMP" >"$VENV/.installed"
fi

versions="$(cd "$NODE_DIR" && node -e '
  const v = (p) => JSON.parse(require("fs").readFileSync("node_modules/" + p + "/package.json", "utf8")).version;
  console.log(["ajv", "ajv-formats", "json-schema-to-typescript", "typescript"].map((p) => p + " " + v(p)).join(", "));' 2>/dev/null)"
pyversions="$("$VENV/bin/python" -c '
from importlib.metadata import version as v
print(", ".join(f"{p} {v(p)}" for p in ("jsonschema", "datamodel-code-generator", "pydantic")))' 2>/dev/null)"
echo "tools: $versions; $pyversions"

PYTHONDONTWRITEBYTECODE=1 "$VENV/bin/python" "$HERE/interop.py" \
  --schemas "$SCHEMAS" --cases "$CASES" --binary "$BINARY" \
  --scratch "$SCRATCH" --node-modules "$NODE_DIR/node_modules" </dev/null
status=$?
case "$status" in
  0) exit 0 ;;
  1) exit 1 ;;
  *) echo "FAIL interop.py ended with status $status"; echo "0 passed, 1 failed"; exit 1 ;;
esac
