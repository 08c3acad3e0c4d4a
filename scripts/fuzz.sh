#!/usr/bin/env bash
# Bounded fuzzing of the whole OpenAPI with schemathesis (docs/testing.md, "Fuzzing the API").
#
# A throwaway copy of the SQLite demo county, a live server on 127.0.0.1, and two personas — a county-wide
# one (zhenggai, 整改办: reads everything, writes the ledger) and a township admin (xiangzhen) — each
# fuzzing every operation with a fixed seed and example budget. Fails on any 5xx or any response that
# disagrees with the schema. `make fuzz` runs it by hand; .ci/run runs it in CI. Extra arguments go to
# `st run` (e.g. `--include-path-regex /measures/` to reproduce one operation's failure).
set -euo pipefail
cd "$(dirname "$0")/.."

PORT="${FUZZ_PORT:-8790}"
SEED="${FUZZ_SEED:-20261129}"
EXAMPLES="${FUZZ_EXAMPLES:-20}"
BIN="$PWD/.venv/bin"

work="$(mktemp -d -t tongban-fuzz-XXXXXX)"
server_pid=""
cleanup() {
  if [ -n "$server_pid" ]; then kill "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

# The SQLite demo in its own folder: the fuzzer's writes never touch var/ (nor PostgreSQL, nor Redis).
# `make setup` has built the demo in var/: copy it (SQLite's online backup) rather than build it again.
demo_db="${TONGBAN_VAR_DIR:-var}/tongban.sqlite3"
unset DATABASE_URL REDIS_URL
export TONGBAN_VAR_DIR="$work" HUEY_NAME="tongban-fuzz-$$" DEBUG=false LOG_LEVEL=ERROR
export ALLOWED_HOSTS="127.0.0.1,localhost"
start=$(date +%s)
if [ -f "$demo_db" ]; then
  "$BIN/python" -c 'import sqlite3, sys; sqlite3.connect(sys.argv[1]).backup(sqlite3.connect(sys.argv[2]))' \
    "$demo_db" "$work/tongban.sqlite3"
  "$BIN/tongban" migrate --noinput -v0
else
  "$BIN/tongban" migrate --noinput -v0
  "$BIN/tongban" demo >/dev/null
fi
token() { "$BIN/tongban" drf_create_token -r "$1" | awk '{print $3}'; }
county_token="$(token zhenggai)"
township_token="$(token xiangzhen)"

"$BIN/gunicorn" tongban.wsgi -b "127.0.0.1:${PORT}" -w 2 --log-level warning >"$work/server.log" 2>&1 &
server_pid=$!

status=0
for persona in "county:${county_token}" "township:${township_token}"; do
  name="${persona%%:*}"; key="${persona#*:}"
  echo "=== schemathesis as ${name} (seed ${SEED}, ${EXAMPLES} examples per operation) ==="
  # From the temporary folder: schemathesis keeps a cache of past failures in the working directory, and
  # a run must not replay another run's.
  (cd "$work" && "$BIN/st" --no-color run "http://127.0.0.1:${PORT}/api/v1/schema/" \
    --header "Authorization: Token ${key}" \
    --checks not_a_server_error,response_schema_conformance \
    --seed "$SEED" --max-examples "$EXAMPLES" --workers 2 \
    --phases examples,fuzzing --wait-for-schema 60 --request-timeout 30 \
    --suppress-health-check all --generation-database none \
    "$@") || status=$?
done
if [ "$status" -ne 0 ]; then
  echo "--- server log (last 80 lines) ---"; tail -80 "$work/server.log"
fi
echo "fuzzing took $(( $(date +%s) - start )) s"
exit "$status"
