#!/usr/bin/env bash
# Where the web workers' time goes under the submit load of (a): wrk on the submit endpoint
# with py-spy sampling every gunicorn worker (idle included, so waits on PostgreSQL and for
# the next request show). Writes bench/results/profile/web.collapsed and prints a summary.
# Needs py-spy (bench/requirements.txt). MODE=bare profiles the bare endpoint instead.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
own_session "$@"
guard_redis
need_tool wrk wrk
OUT=$RESULTS/profile; mkdir -p "$OUT"
MODE=${MODE:-submit}
start_web
reset_data
wrk_run "$MODE" /dev/null 5s
reset_data
renice_backends
.venv/bin/py-spy record -p "$WEB_PID" --subprocesses ${SPY_IDLE:+--idle} -r 200 -d 12 -f raw -o "$OUT/web.$MODE.collapsed" > /dev/null 2>&1 &
SPY=$!
sleep 1
wrk_run "$MODE" "$OUT/web.$MODE.wrk.txt" 14s
wait "$SPY" || true
reset_data
stop_web
log "under profiling: $(grep '^RESULT' "$OUT/web.$MODE.wrk.txt" | cut -c8-)"
$PY bench/collapse_top.py "$OUT/web.$MODE.collapsed" --web
