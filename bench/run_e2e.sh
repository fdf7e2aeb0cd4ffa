#!/usr/bin/env bash
# (b) Submit-to-graded with ONE Celery worker (prefork, --concurrency=$WORKER_CONCURRENCY)
# beside gunicorn on the same 2 cores: a burst of $E2E_RESPONSES submits of mixed item types
# through HTTP, as fast as the server takes them ($WRK_CONNECTIONS at a time, bench/burst.py),
# then the idle latency: $IDLE_SAMPLES submits one at a time, each after the previous grade.
# Each burst run is followed by the same burst with the trivial-task control (the same web,
# broker and database; the worker of bench/bareapp/trivial_worker.py writes one row per
# response instead of grading it): graded/s ÷ rows/s of the control is target 2 of issue 16.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
own_session "$@"
guard_redis
[ -f "$RESULTS/requests.tsv" ] || bench/setup_db.sh
mkdir -p "$RESULTS/b" "$RESULTS/idle" "$RESULTS/trivial"; rm -f "$RESULTS"/b/* "$RESULTS"/idle/* "$RESULTS"/trivial/*
start_web
reset_data  # an empty queue: the worker must grade this script's submits only
start_worker
log "worker: celery prefork --concurrency=$WORKER_CONCURRENCY, loglevel ${WORKER_LOGLEVEL:-INFO}; web: $WEB_WORKERS sync workers"
# Warm-up (not measured): the web and worker processes open their connections.
reset_data
$PY bench/burst.py 100 "$WRK_CONNECTIONS" > /dev/null
$PY bench/e2e.py measure 100 "$RESULTS/warmup.json" "$($PY bench/e2e.py sessions)" > /dev/null

# with_noise KIND RUN COMMAND…: run a measurement that writes $RESULTS/KIND/run.RUN.json,
# again when others took more than NOISE_MAX % of the CPU (MAX_TRIES in all).
with_noise() {
  local kind=$1 run=$2; shift 2
  local try busy noise
  for try in $(seq 1 "$MAX_TRIES"); do
    reset_data
    busy=$(quiet_wait)
    noise_start
    "$@"
    noise=$(noise_end)
    split=$(cpu_split "$(if [ "$kind" != idle ]; then echo "$E2E_RESPONSES"; else echo "$IDLE_SAMPLES"; fi)")
    $PY - "$RESULTS/$kind/run.$run.json" "$noise" "$busy" "$split" <<'PY'
import json, sys
path, noise, busy, split = sys.argv[1], float(sys.argv[2]), float(sys.argv[3]), json.loads(sys.argv[4])
data = json.load(open(path))
data.update(foreign_cpu_pct=noise, busy_before_pct=busy, cpu_split=split)
json.dump(data, open(path, "w"), indent=1)
PY
    log "$kind run $run try $try: $(cat "$RESULTS/$kind/line.$run.txt") (others' CPU: $noise%)"
    noisy "$noise" || return 0
  done
}
burst_run() {
  local run=$1 s0
  s0=$($PY bench/e2e.py sessions)
  timeout 120 $PY bench/burst.py "$E2E_RESPONSES" "$WRK_CONNECTIONS" > "$RESULTS/b/burst.$run.txt"
  $PY bench/e2e.py measure "$E2E_RESPONSES" "$RESULTS/b/run.$run.json" "$s0" > "$RESULTS/b/line.$run.txt"
}
idle_run() {
  local run=$1
  $PY bench/e2e.py idle "$IDLE_SAMPLES" "$RESULTS/idle/run.$run.json" > "$RESULTS/idle/line.$run.txt"
}
trivial_run() {
  local run=$1 s0
  s0=$($PY bench/e2e.py sessions)
  timeout 120 $PY bench/burst.py "$E2E_RESPONSES" "$WRK_CONNECTIONS" > "$RESULTS/trivial/burst.$run.txt"
  $PY bench/e2e.py trivial "$E2E_RESPONSES" "$RESULTS/trivial/run.$run.json" "$s0" > "$RESULTS/trivial/line.$run.txt"
}
# warm_worker APP: start a worker of that Celery app and let it open its connections.
warm_worker() {
  CELERY_APP=$1 start_worker
  reset_data
  $PY bench/burst.py 100 "$WRK_CONNECTIONS" > /dev/null
  if [ "$1" = training ]; then
    $PY bench/e2e.py measure 100 "$RESULTS/warmup.json" "$($PY bench/e2e.py sessions)" > /dev/null
  else
    $PY bench/e2e.py trivial 100 "$RESULTS/warmup.json" "$($PY bench/e2e.py sessions)" > /dev/null
  fi
}
for run in $(seq 1 "$RUNS"); do
  with_noise b "$run" burst_run "$run"
  if [ "${TRIVIAL_CONTROL:-1}" = 1 ]; then
    stop_worker; warm_worker bench.bareapp.trivial_worker
    with_noise trivial "$run" trivial_run "$run"
    stop_worker; warm_worker training
  fi
done
for run in $(seq 1 "${IDLE_RUNS:-$RUNS}"); do with_noise idle "$run" idle_run "$run"; done
stop_worker
if [ "${CONTROL_RESPONSES:-500}" -gt 0 ]; then
  # Control: the same worker with CELERY_DB_REUSE_MAX=0 (Celery's default, a new database
  # connection per task), to show what the setting does: new_db_sessions ~ one per task.
  mkdir -p "$RESULTS/control"; rm -f "$RESULTS"/control/*
  CELERY_DB_REUSE_MAX=0 start_worker
  reset_data
  noise_start
  s0=$($PY bench/e2e.py sessions)
  timeout 120 $PY bench/burst.py "$CONTROL_RESPONSES" "$WRK_CONNECTIONS" > "$RESULTS/control/burst.1.txt"
  log "control (CELERY_DB_REUSE_MAX=0): $($PY bench/e2e.py measure "$CONTROL_RESPONSES" "$RESULTS/control/run.1.json" "$s0") (others' CPU: $(noise_end)%) $(cpu_split "$CONTROL_RESPONSES")"
  stop_worker
fi
stop_web
$PY bench/summarize.py b
[ "${TRIVIAL_CONTROL:-1}" != 1 ] || { $PY bench/summarize.py trivial; $PY bench/summarize.py ratio_b; }
$PY bench/summarize.py idle
