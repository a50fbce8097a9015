#!/usr/bin/env bash
# Runs schemathesis (its default checks) against a fresh server, once signed in as a merchant
# and once as admin: starts $SIGNBOARD_BIN (default target/debug/signboard; this script builds
# nothing) on a free port with an empty data dir, on a fresh PostgreSQL database when
# SIGNBOARD_TEST_POSTGRES_URL is set (else SQLite), and exits non-zero when a check fails.
# schemathesis is installed from requirements.txt into $SCHEMATHESIS_VENV
# (default target/schemathesis-venv). Examples per operation: $SCHEMATHESIS_MAX_EXAMPLES (30);
# the seed: $SCHEMATHESIS_SEED (1).
set -uo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
bin="${SIGNBOARD_BIN:-target/debug/signboard}"
case "$bin" in /*) ;; *) bin="$root/$bin" ;; esac
venv="${SCHEMATHESIS_VENV:-$root/target/schemathesis-venv}"
max_examples="${SCHEMATHESIS_MAX_EXAMPLES:-30}"

if [ ! -x "$bin" ]; then
  echo "run.sh: server binary not found: $bin (build it with: cargo build)" >&2
  exit 2
fi
if ! "$venv/bin/schemathesis" --version >/dev/null 2>&1; then
  python3 -m venv "$venv" && "$venv/bin/pip" install -q -r "$here/requirements.txt" || exit 2
fi
py="$venv/bin/python"

port="$("$py" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"
data="$(mktemp -d "${TMPDIR:-/tmp}/signboard-schemathesis.XXXXXX")"
admin_password="admin-$("$py" -c 'import secrets; print(secrets.token_hex(9))')"

database="sqlite://$data/db.sqlite"
pg_admin="${SIGNBOARD_TEST_POSTGRES_URL:-}"
pg_name=""
if [ -n "$pg_admin" ]; then
  pg_name="signboard_schemathesis_$("$py" -c 'import secrets; print(secrets.token_hex(6))')"
  psql -q "$pg_admin" -c "CREATE DATABASE $pg_name" || exit 2
  database="${pg_admin%/*}/$pg_name"
fi

# On PostgreSQL the service never generates its secrets (replicas must share them): give it a
# pair made for this run.
b64url32() { python3 -c 'import base64, os; print(base64.urlsafe_b64encode(os.urandom(32)).decode().rstrip("="))'; }
SIGNBOARD_JWT_SECRET="$(b64url32)" \
SIGNBOARD_SIGNING_KEY="$(b64url32)" \
SIGNBOARD_BIND="127.0.0.1:$port" \
SIGNBOARD_DATA_DIR="$data" \
SIGNBOARD_DATABASE_URL="$database" \
SIGNBOARD_ADMIN_PASSWORD="$admin_password" \
SIGNBOARD_FONTS_DIR="$root/fonts" \
SIGNBOARD_STATIC_DIR="$root/static" \
RUST_LOG="${RUST_LOG:-warn}" \
  "$bin" serve >"$data/server.log" 2>&1 &
server=$!

cleanup() {
  kill "$server" 2>/dev/null
  wait "$server" 2>/dev/null
  if [ -n "$pg_name" ]; then
    psql -q "$pg_admin" -c "DROP DATABASE IF EXISTS $pg_name WITH (FORCE)" >/dev/null 2>&1
  fi
  rm -rf "$data"
}
trap cleanup EXIT

url="http://127.0.0.1:$port"
# Waits for the server, registers a merchant and prints "MERCHANT_TOKEN ADMIN_TOKEN".
tokens="$("$py" - "$url" "$admin_password" <<'PY'
import json, sys, time, urllib.request

url, admin_password = sys.argv[1], sys.argv[2]

def post(path, body):
    req = urllib.request.Request(url + path, data=json.dumps(body).encode(),
                                 headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=30) as r:
        return json.load(r)

for _ in range(150):
    try:
        urllib.request.urlopen(url + "/healthz", timeout=2)
        break
    except Exception:
        time.sleep(0.2)
else:
    sys.exit("the server did not become healthy")
post("/api/v1/auth/register", {"username": "schemathesis_m", "password": "merchant-pass",
                               "display_name": "商户", "phone": "13800000000"})
merchant = post("/api/v1/auth/login", {"username": "schemathesis_m",
                                       "password": "merchant-pass"})["token"]
admin = post("/api/v1/auth/login", {"username": "admin", "password": admin_password})["token"]
print(merchant, admin)
PY
)"
if [ -z "$tokens" ]; then
  echo "run.sh: could not start the server or sign in; its log:" >&2
  cat "$data/server.log" >&2
  exit 1
fi
read -r merchant_token admin_token <<<"$tokens"

# schemathesis keeps a cache of failures in the working directory: keep it in the data dir.
cd "$data" || exit 2
status=0
for who in merchant admin; do
  token="$merchant_token"
  [ "$who" = admin ] && token="$admin_token"
  echo "=== schemathesis as $who ==="
  "$venv/bin/schemathesis" --config-file "$here/schemathesis.toml" \
    run "$url/api/v1/openapi.json" \
    --url "$url" \
    --header "Authorization: Bearer $token" \
    --max-examples "$max_examples" \
    --seed "${SCHEMATHESIS_SEED:-1}" \
    --no-color \
    || status=1
done
if [ "$status" -ne 0 ]; then
  echo "run.sh: schemathesis found problems; last lines of the server log:" >&2
  tail -n 40 "$data/server.log" >&2
fi
exit "$status"
