#!/usr/bin/env bash
# The preview against headless Chromium, in one run: starts $SIGNBOARD_BIN (default
# target/release/signboard; this script builds nothing) on a free port with an empty data dir,
# then measures the same sign (benches/load/sign.json: 6000×1500 mm, four Mongolian words above
# eight hanzi, drawn 1200×300) three ways:
#   1. POST /api/v1/preview over one connection (wrk -c1): median latency and requests/s;
#   2. the same over 8 connections (wrk -t2 -c8): requests/s;
#   3. headless Chromium drawing it from HTML/CSS and capturing a PNG over CDP
#      (benches/load/chromium.mjs): median latency and pictures/s.
# Every request and every picture has another background, so no cache answers. Prints the
# figures and the ratios. Needs wrk, /usr/bin/chromium (or $CHROMIUM_PATH) and playwright-core
# (installed into tests/browser/node_modules when missing).
#   cargo build --release && benches/load/compare.sh
# Env: DURATION (seconds per wrk run, 15), RUNS (Chromium pictures, 60), OUT_DIR (keeps the
# last picture of each side), SIGN (another sign file; its background must be #8B1A1A).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
bin="${SIGNBOARD_BIN:-target/release/signboard}"
case "$bin" in /*) ;; *) bin="$root/$bin" ;; esac
sign="${SIGN:-$here/sign.json}"
duration="${DURATION:-15}"

for tool in wrk node; do
  command -v "$tool" >/dev/null || { echo "compare.sh: $tool not found" >&2; exit 2; }
done
if [ ! -x "$bin" ]; then
  echo "compare.sh: server binary not found: $bin (build it with: cargo build --release)" >&2
  exit 2
fi
if [ ! -d "$root/tests/browser/node_modules/playwright-core" ]; then
  (cd "$root/tests/browser" && npm ci --no-audit --no-fund) >&2
fi

port="$(node -e "const s=require('net').createServer();s.listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})")"
data="$(mktemp -d "${TMPDIR:-/tmp}/signboard-compare.XXXXXX")"
SIGNBOARD_BIND="127.0.0.1:$port" \
SIGNBOARD_DATA_DIR="$data" \
SIGNBOARD_DATABASE_URL="sqlite://$data/db.sqlite" \
SIGNBOARD_ADMIN_PASSWORD="compare-$RANDOM$RANDOM" \
SIGNBOARD_FONTS_DIR="$root/fonts" \
SIGNBOARD_STATIC_DIR="$root/static" \
RUST_LOG="${RUST_LOG:-warn}" \
  "$bin" serve >"$data/server.log" 2>&1 &
server=$!
cleanup() {
  kill "$server" 2>/dev/null || true
  wait "$server" 2>/dev/null || true
  rm -rf "$data"
}
trap cleanup EXIT

url="http://127.0.0.1:$port"
for _ in $(seq 1 150); do
  if curl -fs "$url/healthz" >/dev/null 2>&1; then break; fi
  kill -0 "$server" 2>/dev/null || { cat "$data/server.log" >&2; exit 1; }
  sleep 0.2
done

# wrk's latency in ms from a line such as "50%  1.23ms" (units us, ms or s).
to_ms() {
  awk '{ v = $2; u = v; sub(/[0-9.]+/, "", u); sub(/[a-z]+$/, "", v);
         f = (u == "us") ? 0.001 : (u == "s") ? 1000 : 1; printf "%.3f", v * f }'
}
run_wrk() { # threads connections
  SIGN="$sign" VARY=1 wrk -t"$1" -c"$2" -d"${duration}s" --latency \
    -s "$here/preview.lua" "$url" 2>&1
}

echo "warming up…" >&2
SIGN="$sign" VARY=1 wrk -t1 -c2 -d3s -s "$here/preview.lua" "$url" >/dev/null
single="$(run_wrk 1 1)"
eight="$(run_wrk 2 8)"
for out in "$single" "$eight"; do
  if grep -q "Non-2xx" <<<"$out"; then echo "$out" >&2; echo "compare.sh: errors" >&2; exit 1; fi
done
single_ms="$(grep -E '^ +50%' <<<"$single" | to_ms)"
single_rps="$(awk '/^Requests\/sec/ { print $2 }' <<<"$single")"
eight_ms="$(grep -E '^ +50%' <<<"$eight" | to_ms)"
eight_rps="$(awk '/^Requests\/sec/ { print $2 }' <<<"$eight")"

echo "Chromium…" >&2
browser="$(SIGNBOARD_URL="$url" SIGN="$sign" node "$here/chromium.mjs")"
chrome_ms="$(node -e "console.log(JSON.parse(process.argv[1]).median_ms)" "$browser")"
chrome_ps="$(node -e "console.log(JSON.parse(process.argv[1]).per_s)" "$browser")"

cat <<EOF
sign: $(basename "$sign"), $(node -e "const j=JSON.parse(process.argv[1]);console.log(j.width+'×'+j.height+' px')" "$browser"); wrk ${duration}s per run; Chromium ${RUNS:-60} pictures
preview, 1 connection:   median ${single_ms} ms, ${single_rps} req/s
preview, 8 connections:  median ${eight_ms} ms, ${eight_rps} req/s
Chromium (HTML/CSS→PNG): median ${chrome_ms} ms, ${chrome_ps} pictures/s
ratios: latency $(awk -v a="$chrome_ms" -v b="$single_ms" 'BEGIN { printf "%.1f", a / b }')× (Chromium median / 1-connection median), throughput $(awk -v a="$eight_rps" -v b="$chrome_ps" 'BEGIN { printf "%.1f", a / b }')× (8-connection req/s / Chromium pictures/s)
EOF
