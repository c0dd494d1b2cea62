#!/usr/bin/env bash
# Import memory benchmark (issue 19): the server's peak resident memory while it answers one
# 32 MB import, valid or not. Each case runs on a fresh release server and SQLite file, and
# reports the peak (VmHWM), what stays resident afterwards (VmRSS), the answer's size and time.
# Usage: bench/import-memory.sh
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release -p keel -q
keel=$PWD/target/release/keel
work=$(mktemp -d)
port=18490
trap '[ -n "${server:-}" ] && kill "$server" 2>/dev/null; rm -rf "$work"' EXIT

# The bodies: JSON for POST /api/v1/import/csv and /api/v1/import, each just under 32 MiB.
python3 - "$work" <<'PY'
import datetime, json, sys
work = sys.argv[1]
limit = 32 * 1024 * 1024 - 4096
today = datetime.date.today()
def csv_body(name, rows, dry_run=False):
    text = "date,pain,notes\n" + "".join(rows)
    assert len(text) < limit, (name, len(text))
    body = {"csv": text, "mapping": {"date": "date", "pain": "pain", "notes": "notes"}, "dry_run": dry_run}
    open(f"{work}/{name}.json", "w").write(json.dumps(body))
# 40,000 valid rows (one a day, back from today), each with a note of 780 characters.
note = "n" * 780
valid = [f"{today - datetime.timedelta(days=i)},{i % 11},{note}\n" for i in range(40_000)]
csv_body("csv-valid", valid)
# 40,000 rows, every one refused (pain "eleven"), the same size.
invalid = [f"{today - datetime.timedelta(days=i)},eleven,{note}\n" for i in range(40_000)]
csv_body("csv-invalid", invalid)
csv_body("csv-invalid-dry-run", invalid, dry_run=True)
# 3 million short bad rows: refused at the row limit.
csv_body("csv-many-rows", ["x,eleven,\n"] * 3_000_000)
# A JSON export of 40,000 check-ins (the most a list may hold), each with a long note.
check_ins = [{"date": str(today - datetime.timedelta(days=i)), "pain": i % 11, "notes": "n" * 760} for i in range(40_000)]
doc = json.dumps({"schema": "keel-export", "schema_version": 1, "check_ins": check_ins})
assert len(doc) < limit, len(doc)
open(f"{work}/json-valid.json", "w").write(doc)
# A JSON export of 1.2 million empty check-ins: refused while it is read.
items = ",".join(["{}"] * ((limit - 200) // 3))
open(f"{work}/json-invalid.json", "w").write('{"schema": "keel-export", "schema_version": 1, "check_ins": [' + items + "]}")
PY

kb() { awk -v k="$1" '$1 == k":" {print $2}' "/proc/$2/status"; }
printf '%-22s %9s %8s %10s %10s %8s\n' case body_MB status peak_MB after_MB seconds
for case in csv-valid csv-invalid csv-invalid-dry-run csv-many-rows json-valid json-invalid; do
  rm -f "$work"/keel.db*
  "$keel" serve --addr "127.0.0.1:$port" --database "$work/keel.db" >/dev/null 2>&1 &
  server=$!
  for _ in $(seq 1 100); do curl -sf "http://127.0.0.1:$port/healthz" >/dev/null && break; sleep 0.1; done
  path=/api/v1/import/csv
  case "$case" in json-*) path=/api/v1/import ;; esac
  start=$(date +%s.%N)
  status=$(curl -s -o "$work/answer" -w '%{http_code}' -H 'content-type: application/json' \
    --data-binary "@$work/$case.json" "http://127.0.0.1:$port$path")
  end=$(date +%s.%N)
  sleep 0.5
  printf '%-22s %9.1f %8s %10.1f %10.1f %8.2f   answer %s bytes\n' "$case" \
    "$(echo "$(stat -c %s "$work/$case.json") / 1048576" | bc -l)" "$status" \
    "$(echo "$(kb VmHWM "$server") / 1024" | bc -l)" "$(echo "$(kb VmRSS "$server") / 1024" | bc -l)" \
    "$(echo "$end - $start" | bc -l)" "$(stat -c %s "$work/answer")"
  kill "$server"; wait "$server" 2>/dev/null || true; server=
done
