#!/usr/bin/env bash
# Load benchmark: a release build of Keel on SQLite and on PostgreSQL, side by side.
# Seeds users with a year of history, then runs wrk against a static route (this machine's
# ceiling), the mixed workload flat out, and the mixed workload at about 1,000 requests/s.
# Usage: bench/load.sh [users] [seconds]      (defaults: 1000 users, 15 s per run)
set -euo pipefail
cd "$(dirname "$0")/.."
users="${1:-1000}"
secs="${2:-15}"
port=18480

if ! command -v wrk >/dev/null 2>&1; then
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null
fi
cargo build --release -p keel -q
keel=target/release/keel
work=$(mktemp -d)
pg_db="keel_bench_$$"
cleanup() {
  [ -n "${server:-}" ] && kill "$server" 2>/dev/null || true
  psql -h 127.0.0.1 -U postgres -qc "DROP DATABASE IF EXISTS $pg_db WITH (FORCE)" >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT

kb() { awk -v k="$1" '$1 == k":" {print $2}' "/proc/$2/status"; }

run_backend() {
  local name=$1 url=$2
  echo "== $name"
  # The local user (id 1) gets a year of history; the other users make the tables realistic.
  $keel seed --database "$url" --users 1 --days 365 --first-user 1 >/dev/null
  $keel seed --database "$url" --users "$users" --days 365 --first-user 2
  KEEL_LOG=warn $keel serve --database "$url" --addr "127.0.0.1:$port" >/dev/null &
  server=$!
  for _ in $(seq 1 50); do curl -sf "http://127.0.0.1:$port/healthz" >/dev/null && break; sleep 0.1; done
  echo "idle RSS: $(( $(kb VmRSS $server) / 1024 )) MB"
  echo -n "static route ceiling: "
  wrk -t2 -c32 -d"${secs}s" --latency "http://127.0.0.1:$port/static/keel.css" | awk '/Requests\/sec/ {print $2 " req/s"}'
  echo -n "mixed, flat out:      "
  wrk -t2 -c32 -d"${secs}s" -s bench/mixed.lua "http://127.0.0.1:$port" | grep RESULT
  echo -n "mixed, ~1000 req/s:   "
  KEEL_DELAY_MS=20 wrk -t2 -c24 -d"${secs}s" -s bench/mixed.lua "http://127.0.0.1:$port" | grep RESULT
  echo "peak RSS: $(( $(kb VmHWM $server) / 1024 )) MB"
  kill "$server"; wait "$server" 2>/dev/null || true; server=
}

run_backend sqlite "$work/keel.db"
psql -h 127.0.0.1 -U postgres -qc "CREATE DATABASE $pg_db"
run_backend postgres "postgres://postgres@127.0.0.1:5432/$pg_db"
