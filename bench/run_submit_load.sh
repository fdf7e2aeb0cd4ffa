#!/usr/bin/env bash
# (a) Submit endpoint vs the bare one-row DRF endpoints under load, same gunicorn, same run.
# No Celery worker runs: every submit's grading message waits in Redis (emptied between runs).
set -euo pipefail
. "$(dirname "$0")/lib.sh"
own_session "$@"
guard_redis
need_tool wrk wrk
[ -f "$RESULTS/requests.tsv" ] || bench/setup_db.sh
OUT=$RESULTS/a
mkdir -p "$OUT"; rm -f "$OUT"/*.txt
MODES=${A_MODES:-bare submit bare-anon}
start_web
log "web: gunicorn sync, $WEB_WORKERS workers; wrk -t$WRK_THREADS -c$WRK_CONNECTIONS -d$WRK_DURATION; modes: $MODES"
# Warm-up (not measured): every web worker opens its DB and Redis connections.
reset_data
for mode in $MODES; do wrk_run "$mode" /dev/null 5s; done
for run in $(seq 1 "$RUNS"); do
  for try in $(seq 1 "$MAX_TRIES"); do
    reset_data
    worst=0
    for mode in $MODES; do
      busy=$(quiet_wait)
      noise_start
      wrk_run "$mode" "$OUT/$mode.$run.txt"
      noise=$(noise_end)
      n=$(sed -n 's/^RESULT {"requests":\([0-9]*\),.*/\1/p' "$OUT/$mode.$run.txt")
      printf 'BUSY_BEFORE %s\nFOREIGN_CPU %s\nCPU_SPLIT %s\n' "$busy" "$noise" "$(cpu_split "$n")" >> "$OUT/$mode.$run.txt"
      log "run $run try $try $mode: $(grep '^RESULT' "$OUT/$mode.$run.txt" | cut -c8-) (others' CPU: $noise%)"
      if noisy "$noise"; then worst=$noise; fi
    done
    echo "QUEUED_MESSAGES $(redis-cli -n "$BENCH_REDIS_DB" llen celery)" >> "$OUT/submit.$run.txt"
    if [ "$worst" = 0 ]; then break; fi
    log "run $run: others took $worst% of the CPU; measuring it again"
  done
done
reset_data  # no grading message of this script is left for a worker started later
stop_web
$PY bench/summarize.py a
