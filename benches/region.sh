#!/usr/bin/env bash
# The region benchmarks in one command (issue 13): the officials' queue over 1,000,000
# applications on PostgreSQL, a submission with a 1 MB JPEG to S3, and 50 merchants submitting
# through two replicas. Needs PostgreSQL (SIGNBOARD_BENCH_POSTGRES_URL, default the local
# server's `queue_bench` database, created when missing); starts a local S3 server (moto, installed with pip when missing)
# unless SIGNBOARD_BENCH_S3_URL is set.
#
#   bash benches/region.sh
#   PROFILE=dev bash benches/region.sh   # reuse the test build (our crate unoptimised)
set -euo pipefail
cd "$(dirname "$0")/.."
# The queue's 1,000,000 applications are seeded once into this database and reused.
export SIGNBOARD_BENCH_POSTGRES_URL=${SIGNBOARD_BENCH_POSTGRES_URL:-postgres://postgres@127.0.0.1:5432/queue_bench}
db=${SIGNBOARD_BENCH_POSTGRES_URL%%\?*}
db=${db##*/}
psql "${SIGNBOARD_BENCH_POSTGRES_URL%/*}/postgres" -Atc "SELECT 1 FROM pg_database WHERE datname = '$db'" | grep -q 1 ||
  psql "${SIGNBOARD_BENCH_POSTGRES_URL%/*}/postgres" -qc "CREATE DATABASE $db"

if [[ -z ${SIGNBOARD_BENCH_S3_URL:-} ]]; then
  command -v moto_server >/dev/null || python3 -m pip install -q 'moto[server]'
  port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
  moto_server -H 127.0.0.1 -p "$port" >/dev/null 2>&1 &
  moto=$!
  trap 'kill $moto 2>/dev/null || true' EXIT
  for _ in $(seq 100); do
    curl -sf "http://127.0.0.1:$port/" >/dev/null && break
    sleep 0.2
  done
  export SIGNBOARD_BENCH_S3_URL=http://127.0.0.1:$port
fi

profile=()
[[ -n ${PROFILE:-} ]] && profile=(--profile "$PROFILE")
cargo bench "${profile[@]}" --bench queue_pg
cargo bench "${profile[@]}" --bench s3
cargo bench "${profile[@]}" --bench replicas
