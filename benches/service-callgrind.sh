#!/usr/bin/env bash
# Instructions per command POSTed to the `incident-service` binary, counted
# by callgrind (stable on a loaded machine, where seconds are not): the
# service runs under valgrind on a throwaway durable PostgreSQL server; one
# client (a keep-alive connection) sends a declaration and N notes, twice
# (N = 200, then LARGE, each on a fresh incident); the difference divided
# by LARGE - 200 is the cost of one command, the start-up taken out.
# Arguments: the service binary (default: the release build's), LARGE
# (default 1,200; longer histories weigh the snapshots, whose state grows
# with the history, as a long incident does). Needs valgrind,
# python3, curl and PostgreSQL's server binaries ($INCIDENT_PG_BIN, else
# Debian's). A harness, not a test: docs/performance.md quotes it.
set -euo pipefail
cd "$(dirname "$0")/.."
bin="${1:-${CARGO_TARGET_DIR:-target}/release/incident-service}"
n="${2:-1200}"
pg="${INCIDENT_PG_BIN:-$(ls -d /usr/lib/postgresql/*/bin | tail -1)}"
dir=$(mktemp -d)
chmod 755 "$dir"
as_server=()
if [[ $(id -u) == 0 ]]; then # PostgreSQL does not run as root
  chown nobody "$dir"
  as_server=(setpriv --reuid=nobody --regid=nogroup --clear-groups)
fi
"${as_server[@]}" "$pg/initdb" -D "$dir/data" -U postgres -A trust -E UTF8 --no-sync >/dev/null
"${as_server[@]}" "$pg/pg_ctl" start -w -D "$dir/data" -l "$dir/server.log" \
  -o "-k $dir -p 5499 -c listen_addresses='' -c fsync=on -c synchronous_commit=on" >/dev/null
trap '"${as_server[@]}" "$pg/pg_ctl" stop -m immediate -D "$dir/data" >/dev/null; rm -rf "$dir"' EXIT
count() { # count N INCIDENT: the service's instructions for N notes
  local port=$((18000 + $2))
  valgrind --tool=callgrind --callgrind-out-file="$dir/cg.$1" "$bin" --no-auth \
    --postgres "host=$dir port=5499 user=postgres dbname=postgres" --listen "127.0.0.1:$port" 2>/dev/null &
  local service=$!
  until curl -sf "http://127.0.0.1:$port/health/ready" >/dev/null; do sleep 0.2; done
  python3 - "$port" "$1" "$2" <<'PY'
import http.client, json, sys, uuid
port, n, inc = (int(a) for a in sys.argv[1:])
iid, at = str(uuid.UUID(int=0xD000 + inc)), "2026-05-04T09:10:00Z"
c = http.client.HTTPConnection("127.0.0.1", port)
def post(cmd):
    c.request("POST", f"/incidents/{iid}/commands", json.dumps(cmd), {"Content-Type": "application/json"})
    r = c.getresponse(); body = r.read()
    assert r.status == 200, (r.status, body)
post({"type": "declare", "incident_id": iid, "command_id": str(uuid.UUID(int=1)), "at": at,
      "title": "Slow document processing", "severity": "SEV3",
      "impact": {"environment": "production", "users": "Tenants using OCR", "feature": "Document processing",
                 "started_at": "2026-05-04T08:30:00Z", "flags": ["degraded_feature"]},
      "roles": {"commander": "Ada"},
      "update": {"impact": "OCR is slow", "action": "Checking provider status", "owner": "Ada",
                 "next_update": "2026-05-04T10:10:00Z"}})
for k in range(n):
    post({"type": "add_note", "incident_id": iid, "command_id": str(uuid.UUID(int=1000 + k)), "at": at,
          "text": f"Queue depth sample {k}: still draining"})
PY
  kill "$service" # callgrind writes its counts as the service stops
  wait "$service" || true
}
count 200 1
count "$n" 2
small=$(sed -n 's/^totals: //p' "$dir/cg.200")
large=$(sed -n 's/^totals: //p' "$dir/cg.$n")
echo "instructions per command: $(( (large - small) / (n - 200) )) ($small for 200, $large for $n)"
