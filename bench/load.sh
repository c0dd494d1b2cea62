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
hz=$(getconf CLK_TCK)
ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
# CPU of the PostgreSQL server's processes (0 when there are none).
pg_ticks() {
  local t=0 p
  for p in $(pgrep -x postgres || true); do
    t=$((t + $(awk '{print $14 + $15}' "/proc/$p/stat" 2>/dev/null || echo 0)))
  done
  echo "$t"
}

# wrk ARGS...: one run; prints wrk's RESULT line (a Lua script's) or one made from its
# Requests/sec, with the CPU each request cost the server, PostgreSQL and wrk itself, in µs.
measure() {
  local s0 p0 s1 p1 out rps n
  s0=$(ticks "$server"); p0=$(pg_ticks)
  { TIMEFORMAT='%U %S'; time wrk "$@" >"$work/out" 2>&1; } 2>"$work/time"
  s1=$(ticks "$server"); p1=$(pg_ticks)
  out=$(grep RESULT "$work/out" || awk '/Requests\/sec/ {printf "RESULT rps=%.0f\n", $2}' "$work/out")
  rps=$(field rps "$out")
  n=$(awk -v r="$rps" -v s="$secs" 'BEGIN {printf "%.0f", r * s}')
  awk -v out="$out" -v s=$((s1 - s0)) -v p=$((p1 - p0)) -v hz="$hz" -v n="$n" -v pg="$pg_cpu" \
    -v w="$(cat "$work/time")" 'BEGIN {
      split(w, t, " "); us = 1e6 / n
      printf "%s keel_us=%.1f pg_us=%.1f wrk_us=%.1f\n", out, s * us / hz, (pg ? p * us / hz : 0), (t[1] + t[2]) * us }'
}

run_backend() {
  local name=$1 url=$2
  echo "== $name"
  # The local user (id 1) gets a year of history; the other users make the tables realistic.
  $keel seed --database "$url" --users 1 --days 365 --first-user 1 >/dev/null
  $keel seed --database "$url" --users "$users" --days 365 --first-user 2 --tokens "$work/tokens-$name.txt"
  # Measure the steady state, not the load's aftermath: on PostgreSQL the checkpoint after a
  # bulk load otherwise lands in the middle of the runs and stalls commits for half a second.
  if [[ $url == postgres* ]]; then psql -q "$url" -c CHECKPOINT; fi
  KEEL_LOG=warn $keel serve --database "$url" --addr "127.0.0.1:$port" >/dev/null &
  server=$!
  for _ in $(seq 1 50); do curl -sf "http://127.0.0.1:$port/healthz" >/dev/null && break; sleep 0.1; done
  local idle static plan mixed fixed many many_fixed peak
  idle=$(( $(kb VmRSS $server) / 1024 ))
  echo "idle RSS: $idle MB"
  static=$(measure -t2 -c32 -d"${secs}s" "http://127.0.0.1:$port/static/keel.css")
  echo "static route ceiling: $static"
  # The cheapest request that asks the database anything: today's plan, kept, for the local
  # user, so nothing but the check of who is asking and at what revision.
  plan=$(measure -t2 -c32 -d"${secs}s" "http://127.0.0.1:$port/api/v1/plan/$(date +%F)")
  echo "kept plan alone:      $plan"
  mixed=$(measure -t2 -c32 -d"${secs}s" -s bench/mixed.lua "http://127.0.0.1:$port")
  echo "mixed, flat out:      $mixed"
  fixed=$(KEEL_DELAY_MS=20 measure -t2 -c24 -d"${secs}s" -s bench/mixed.lua "http://127.0.0.1:$port")
  echo "mixed, ~1000 req/s:   $fixed"
  # The same workload spread over all the seeded users, each request one of them at random.
  many=$(KEEL_TOKENS="$work/tokens-$name.txt" measure -t2 -c32 -d"${secs}s" -s bench/mixed.lua "http://127.0.0.1:$port")
  echo "many users, flat out: $many"
  many_fixed=$(KEEL_TOKENS="$work/tokens-$name.txt" KEEL_DELAY_MS=20 measure -t2 -c24 -d"${secs}s" -s bench/mixed.lua "http://127.0.0.1:$port")
  echo "many users, ~1000/s:  $many_fixed"
  peak=$(( $(kb VmHWM $server) / 1024 ))
  echo "peak RSS: $peak MB"
  kill "$server"; wait "$server" 2>/dev/null || true; server=
  static=$(field rps "$static")
  summary+=("$name one $static $(field rps "$mixed") $(field p50_ms "$mixed") $(field p99_ms "$mixed") $(field rps "$fixed") $(field p99_ms "$fixed") $idle $peak")
  summary+=("$name many $static $(field rps "$many") $(field p50_ms "$many") $(field p99_ms "$many") $(field rps "$many_fixed") $(field p99_ms "$many_fixed") $idle $peak")
  costs+=("$name 'kept plan alone' $static $(field rps "$plan") $(field keel_us "$plan") $(field pg_us "$plan") $(field wrk_us "$plan")")
  costs+=("$name 'mixed, one user' $static $(field rps "$mixed") $(field keel_us "$mixed") $(field pg_us "$mixed") $(field wrk_us "$mixed")")
  costs+=("$name 'mixed, many users' $static $(field rps "$many") $(field keel_us "$many") $(field pg_us "$many") $(field wrk_us "$many")")
}

field() { sed -E "s/.*$1=([0-9.]+).*/\1/" <<<"$2"; }
summary=()
costs=()

pg_cpu=0
run_backend sqlite "$work/keel.db"
psql -h 127.0.0.1 -U postgres -qc "CREATE DATABASE $pg_db"
pg_cpu=1
run_backend postgres "postgres://postgres@127.0.0.1:5432/$pg_db"

echo
echo "== side by side (goals: mixed >= 40% of the ceiling; p99 < 20 ms at ~1,000 req/s; idle < 30 MB)"
echo "(users: one = every request the local user's; many = each request one of the $users seeded users)"
printf '%-9s %-6s %10s %10s %8s %9s %9s %11s %11s %8s %8s\n' backend users "static/s" "mixed/s" "share" "p50 ms" "p99 ms" "~1000: r/s" "~1000: p99" "idle MB" "peak MB"
for row in "${summary[@]}"; do
  read -r name who static rps p50 p99 frps fp99 idle peak <<<"$row"
  share=$(awk -v a="$rps" -v b="$static" 'BEGIN {printf "%.1f%%", 100 * a / b}')
  printf '%-9s %-6s %10s %10s %8s %9s %9s %11s %11s %8s %8s\n' "$name" "$who" "$static" "$rps" "$share" "$p50" "$p99" "$frps" "$fp99" "$idle" "$peak"
done

echo
echo "== where a request's CPU goes (µs of CPU per request; the machine has $(nproc) cores)"
echo "(kept plan alone: nothing but the check of who is asking, with the database, and a kept answer;"
echo " no workload whose every request makes that check can run faster than this row)"
printf '%-9s %-18s %10s %8s %8s %9s %8s %8s\n' backend run "req/s" share "keel µs" "pg µs" "wrk µs" "total"
for row in "${costs[@]}"; do
  eval "set -- $row"
  awk -v b="$1" -v r="$2" -v st="$3" -v rps="$4" -v k="$5" -v p="$6" -v w="$7" 'BEGIN {
    printf "%-9s %-18s %10s %7.1f%% %8.1f %9.1f %8.1f %8.1f\n", b, r, rps, 100 * rps / st, k, p, w, k + p + w }'
done
