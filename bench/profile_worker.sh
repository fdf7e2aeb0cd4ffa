#!/usr/bin/env bash
# Where a Celery worker's time goes while it drains $E2E_RESPONSES queued gradings:
# queue them with the web up and no worker, then start ONE worker under py-spy.
# Writes bench/results/profile/worker.collapsed and prints where the time goes
# (bench/collapse_top.py). Needs py-spy (bench/requirements.txt).
set -euo pipefail
. "$(dirname "$0")/lib.sh"
own_session "$@"
guard_redis
OUT=$RESULTS/profile; mkdir -p "$OUT"
start_web
reset_data
$PY bench/burst.py "$E2E_RESPONSES" "$WRK_CONNECTIONS" > /dev/null
stop_web
s0=$($PY bench/e2e.py sessions)
noise_start
start_worker
renice_backends
.venv/bin/py-spy record -p "$WORKER_PID" --subprocesses --idle -r 250 -d "${PROFILE_SECONDS:-20}" -f raw \
    -o "$OUT/worker.collapsed" > /dev/null 2>&1 &
SPY=$!
$PY bench/e2e.py measure "$E2E_RESPONSES" "$OUT/drain.json" "$s0"
log "others' CPU: $(noise_end)%; CPU by component: $(cpu_split "$E2E_RESPONSES")"
wait "$SPY" || true
stop_worker
$PY bench/collapse_top.py "$OUT/worker.collapsed"
