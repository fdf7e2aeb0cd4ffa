#!/usr/bin/env bash
# Exam-start burst (issue 16, target 3): BURST_USERS trainees (separate accounts and sessions)
# sign in, start an attempt and answer their first three questions, arriving over
# BURST_WINDOW seconds, half through the pages (CSRF tokens of the forms), half through the
# API; then every answer must be graded within 10 s of the burst's end.
#   bench/burst/run.sh                          # 1,000 trainees over 60 s
#   BURST_USERS=200 BURST_WINDOW=60 bench/burst/run.sh
#   DJANGO_DB_POOL_MAX_SIZE=4 bench/burst/run.sh  # with the native psycopg pool in each process
#   VIGIL_ADMISSION_MAX_QUEUE_MS=2000 bench/burst/run.sh  # admission control; the client stamps X-Request-Start
# Results: bench/results/burst/run.N.json and a table at the end.
set -euo pipefail
. "$(dirname "$0")/../lib.sh"
own_session "$@"
BURST_USERS=${BURST_USERS:-1000}
BURST_WINDOW=${BURST_WINDOW:-60}
BURST_THREADS=${BURST_THREADS:-100}
BURST_RUNS=${BURST_RUNS:-1}
log "exam-start burst: $BURST_USERS trainees over ${BURST_WINDOW}s, $BURST_RUNS run(s); database $BENCH_DB (made and"
log "  seeded if absent), Redis db $BENCH_REDIS_DB, gunicorn on $BENCH_URL, one Celery worker; the client"
log "  (bench/burst/client.py, Python threads: no wrk or locust needed) writes $RESULTS/burst/run.N.json"
log "checking what it needs:"
need_tool psql postgresql-client
need_tool redis-cli redis-tools
need_tool curl curl
need_tool uptime procps
need_tool timeout coreutils
need_python requests requests
need_python gunicorn gunicorn
need_python celery celery
need_python psycopg psycopg
psql -h 127.0.0.1 -U postgres -Atqc "SELECT 1" > /dev/null \
  || { log "PostgreSQL does not answer on 127.0.0.1:5432 as postgres: start it first"; exit 3; }
redis-cli -h 127.0.0.1 ping > /dev/null || { log "Redis does not answer on 127.0.0.1:6379: start it first"; exit 3; }
log "PostgreSQL and Redis answer on 127.0.0.1"
guard_redis
# Plain HTTP on 127.0.0.1: cookies without the Secure flag (production keeps it, behind TLS).
export DJANGO_SECURE_COOKIES=false
OUT=$RESULTS/burst
mkdir -p "$OUT"; rm -f "$OUT"/run.*.json
[ -f "$RESULTS/requests.tsv" ] || { log "creating and migrating $BENCH_DB (bench/setup_db.sh)"; bench/setup_db.sh; }
log "seeding $BURST_USERS trainee accounts (bench/burst/seed.py prepare)"
$PY bench/burst/seed.py prepare "$BURST_USERS"
log "starting gunicorn and the worker"
start_web
reset_data
start_worker
log "web: gunicorn ${WEB_WORKER_CLASS:-sync} × $WEB_WORKERS; worker: prefork × $WORKER_CONCURRENCY; pool: ${DJANGO_DB_POOL_MAX_SIZE:-off}; $BURST_USERS trainees over ${BURST_WINDOW}s, $BURST_THREADS client threads"
for run in $(seq 1 "$BURST_RUNS"); do
  $PY bench/burst/seed.py reset
  reset_data
  busy=$(quiet_wait)
  noise_start
  timeout $((BURST_WINDOW * 4 + 120)) $PY bench/burst/client.py "$BENCH_URL" "$OUT/run.$run.json" \
      --users "$BURST_USERS" --window "$BURST_WINDOW" --threads "$BURST_THREADS" \
      ${VIGIL_ADMISSION_MAX_QUEUE_MS:+--stamp} > "$OUT/line.$run.txt"
  noise=$(noise_end)
  log "burst run $run: $(cat "$OUT/line.$run.txt") (others' CPU: $noise%, busy before: $busy%, $(uptime | sed 's/.*load/load/'))"
  log "grading: $($PY bench/burst/graded.py "$OUT/run.$run.json")"
  $PY - "$OUT/run.$run.json" "$noise" "$(cpu_split "$BURST_USERS")" "$(uptime | sed 's/.*load average: //')" <<'PY'
import json, sys
path = sys.argv[1]
data = json.load(open(path))
data.update(foreign_cpu_pct=float(sys.argv[2]), cpu_split=json.loads(sys.argv[3]), load_average=sys.argv[4])
json.dump(data, open(path, "w"), indent=1)
PY
done
stop_worker
stop_web
$PY bench/burst/summary.py "$OUT"
