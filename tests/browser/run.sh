#!/usr/bin/env bash
# Runs the browser tests against a fresh server: starts $SIGNBOARD_BIN (default
# target/release/signboard; this script builds nothing) on a free port with an empty data dir
# and SQLite database, waits for /healthz, runs `node --test`, stops the server and exits with
# the tests' status. The webhook points at a closed port, so notifications die quickly and
# the administrator's delivery view has something to show (the inbox is unaffected). Needs Debian's Chromium at /usr/bin/chromium (or $CHROMIUM_PATH).
set -uo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
bin="${SIGNBOARD_BIN:-target/release/signboard}"
case "$bin" in /*) ;; *) bin="$root/$bin" ;; esac
chromium="${CHROMIUM_PATH:-/usr/bin/chromium}"

if [ ! -x "$bin" ]; then
  echo "run.sh: server binary not found: $bin (build it with: cargo build --release)" >&2
  exit 2
fi
if [ ! -x "$chromium" ]; then
  echo "run.sh: Chromium not found at $chromium (apt-get install -y chromium)" >&2
  exit 2
fi
if [ ! -d "$here/node_modules/playwright-core" ]; then
  (cd "$here" && npm ci --no-audit --no-fund) || exit 2
fi

port="$(node -e "const s=require('net').createServer();s.listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})")"
data="$(mktemp -d "${TMPDIR:-/tmp}/signboard-browser.XXXXXX")"
admin_password="admin-$(node -e "console.log(require('crypto').randomBytes(9).toString('hex'))")"

SIGNBOARD_BIND="127.0.0.1:$port" \
SIGNBOARD_PUBLIC_URL="http://127.0.0.1:$port" \
SIGNBOARD_DATA_DIR="$data" \
SIGNBOARD_DATABASE_URL="sqlite://$data/db.sqlite" \
SIGNBOARD_ADMIN_PASSWORD="$admin_password" \
SIGNBOARD_FONTS_DIR="$root/fonts" \
SIGNBOARD_STATIC_DIR="$root/static" \
SIGNBOARD_REGISTER_LIMIT="${SIGNBOARD_REGISTER_LIMIT:-1000}" \
SIGNBOARD_WEBHOOK_URL="http://127.0.0.1:9/hook" \
SIGNBOARD_WEBHOOK_SECRET="whsec_QkJCQkJCQkJCQkJCQkJCQkJCQkJCQkJCQkJCQkJCQkI=" \
SIGNBOARD_NOTIFY_MAX_ATTEMPTS=2 \
SIGNBOARD_NOTIFY_RETRY_BASE_MS=100 \
SIGNBOARD_NOTIFY_POLL_MS=100 \
RUST_LOG="${RUST_LOG:-warn}" \
  "$bin" serve >"$data/server.log" 2>&1 &
server=$!

cleanup() {
  kill "$server" 2>/dev/null
  wait "$server" 2>/dev/null
  rm -rf "$data"
}
trap cleanup EXIT

url="http://127.0.0.1:$port"
ready=""
for _ in $(seq 1 150); do
  if node -e "fetch('$url/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))" 2>/dev/null; then
    ready=1
    break
  fi
  if ! kill -0 "$server" 2>/dev/null; then break; fi
  sleep 0.2
done
if [ -z "$ready" ]; then
  echo "run.sh: the server did not become healthy; its log:" >&2
  cat "$data/server.log" >&2
  exit 1
fi

mkdir -p "$root/target/screenshots"
cd "$here"
SIGNBOARD_URL="$url" \
SIGNBOARD_ADMIN_PASSWORD="$admin_password" \
SIGNBOARD_TEST_DATABASE="$data/db.sqlite" \
SCREENSHOT_DIR="$root/target/screenshots" \
CHROMIUM_PATH="$chromium" \
  node --test --test-concurrency=1 --test-reporter=spec "$@"
status=$?
if [ "$status" -ne 0 ]; then
  echo "run.sh: tests failed; last lines of the server log:" >&2
  tail -n 40 "$data/server.log" >&2
fi
exit "$status"
