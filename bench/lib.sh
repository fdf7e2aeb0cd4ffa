# Shared helpers of the bench scripts (sourced). Every process started here is stopped by
# its own pid; every wait is bounded.
cd "$(dirname "${BASH_SOURCE[0]}")/.."
. bench/env.sh
# The machine is shared with other engineers' test runs. With BENCH_NICE (root only; 0 to
# disable) the bench gets a higher CPU priority so that the figures describe the bench rather
# than the neighbours: the scripts run in a session of their own (setsid) whose autogroup gets
# that nice value (Linux schedules sessions' autogroups fairly against each other, so a plain
# `nice` would not help), the bench database's PostgreSQL backends are reniced within the
# postmaster's autogroup, and that autogroup gets BENCH_NICE during the run and its old value
# back at the end. Others' CPU share during each measurement is still recorded.
BENCH_NICE=${BENCH_NICE:--10}

# Run the calling script again in a session of its own and wait for it; INT/TERM (Ctrl-C,
# timeout) go to the whole session, whose EXIT trap stops what it started.
own_session() {
  [ -z "${BENCH_SESSION:-}" ] || return 0
  BENCH_SESSION=1 setsid "$0" "$@" &
  local child=$! rc=0
  trap 'kill -TERM -- -'"$child"' 2>/dev/null' INT TERM
  while :; do wait "$child"; rc=$?; kill -0 "$child" 2>/dev/null || break; done
  exit "$rc"
}

NICE=""
PG_AUTOGROUP=""
PG_AUTOGROUP_NICE=""
if [ -n "${BENCH_SESSION:-}" ] && [ "$(id -u)" = 0 ] && [ "$BENCH_NICE" != 0 ]; then
  NICE="nice -n $BENCH_NICE"
  if [ -w /proc/self/autogroup ] && [ "$(ps -o sid= -p $$ | xargs)" = "$$" ]; then
    echo "$BENCH_NICE" > /proc/self/autogroup
  fi
  postmaster=$(head -1 "$(psql -h 127.0.0.1 -U postgres -Atqc 'SHOW data_directory')/postmaster.pid" 2>/dev/null || true)
  if [ -n "$postmaster" ] && [ -w "/proc/$postmaster/autogroup" ]; then
    PG_AUTOGROUP=/proc/$postmaster/autogroup
    PG_AUTOGROUP_NICE=$(awk '{print $NF}' "$PG_AUTOGROUP")
    echo "$BENCH_NICE" > "$PG_AUTOGROUP"
  fi
fi
PY="$NICE .venv/bin/python"

# need_tool COMMAND DEBIAN_PACKAGE, need_python MODULE PACKAGE: say what is there, install what
# is missing (bench/need.sh).
. bench/need.sh
RESULTS=bench/results
mkdir -p "$RESULTS"
NEED_LOGS=$RESULTS
WEB_PID=""
WORKER_PID=""

log() { echo "[$(date +%H:%M:%S)] $*" >&2; }

psql_bench() { psql -h 127.0.0.1 -U postgres -d "$BENCH_DB" -Atqc "$1"; }

# Refuse to run while someone else's client uses the bench Redis db (FLUSHes, workers).
guard_redis() {
  local others try
  for try in 1 2 3 4 5; do  # a connection closing just now is not a user
    others=$(redis-cli -h 127.0.0.1 client list | grep -c " db=$BENCH_REDIS_DB " || true)
    [ "$others" -gt 0 ] || return 0
    sleep 2
  done
  if [ "$others" -gt 0 ]; then
    log "Redis db $BENCH_REDIS_DB has $others other client(s); pick another with BENCH_REDIS_DB=…"
    exit 2
  fi
}

# Busy share of both CPUs over one second (all processes), in percent.
cpu_busy() {
  local a b
  a=($(head -1 /proc/stat)); sleep 1; b=($(head -1 /proc/stat))
  local idle=$(( (b[4]+b[5]) - (a[4]+a[5]) )) total=0 i
  for i in 1 2 3 4 5 6 7 8; do total=$(( total + b[i] - a[i] )); done
  echo $(( 100 * (total - idle) / total ))
}

# Wait (at most QUIET_WAIT seconds) until the machine is quiet: other engineers' test runs
# share these 2 cores. Prints the busy share seen last; the run goes on either way.
quiet_wait() {
  local limit=${QUIET_WAIT:-30} waited=0 busy
  busy=$(cpu_busy)
  while [ "$busy" -gt "${QUIET_BUSY:-15}" ] && [ "$waited" -lt "$limit" ]; do
    sleep 4; waited=$((waited + 5)); busy=$(cpu_busy)
  done
  echo "$busy"
}

# Other people's CPU during a measurement (bench/noise.py): noise_start; …; noise_end → % of both cores.
noise_start() { renice_backends; $PY bench/noise.py snapshot "$RESULTS/.noise.json"; }
# Give the bench database's PostgreSQL backends the bench's priority too.
renice_backends() {
  [ -n "$NICE" ] || return 0
  local pids
  pids=$(psql -h 127.0.0.1 -U postgres -Atqc "SELECT pid FROM pg_stat_activity WHERE datname = '$BENCH_DB'")
  [ -z "$pids" ] || renice -n "$BENCH_NICE" -p $pids > /dev/null
}
noise_end() { $PY bench/noise.py since "$RESULTS/.noise.json"; }
# CPU seconds by component since noise_start, and per item when given N (bench/noise.py).
cpu_split() { $PY bench/noise.py split "$RESULTS/.noise.json" "${1:-0}"; }
# A run is measured again (at most MAX_TRIES times in all) when others took more than NOISE_MAX %.
MAX_TRIES=${MAX_TRIES:-2}
NOISE_MAX=${NOISE_MAX:-10}
noisy() { awk -v n="$1" -v m="$NOISE_MAX" 'BEGIN { exit !(n > m) }'; }

start_web() {
  $PY -m gunicorn training.wsgi --bind 127.0.0.1:$BENCH_PORT --workers "$WEB_WORKERS" --worker-class "${WEB_WORKER_CLASS:-sync}" ${WEB_THREADS:+--threads "$WEB_THREADS"} \
      --backlog 2048 > "$RESULTS/gunicorn.log" 2>&1 &
  WEB_PID=$!
  local i
  for i in $(seq 1 100); do
    curl -s -o /dev/null -XPOST "$BENCH_URL/bench/bare-anon/" -H 'Content-Type: application/json' -d '{}' && return 0
    sleep 0.2
  done
  log "gunicorn did not start"; cat "$RESULTS/gunicorn.log" >&2; exit 1
}

stop_web() {
  if [ -n "$WEB_PID" ]; then kill "$WEB_PID" 2>/dev/null || true; wait "$WEB_PID" 2>/dev/null || true; WEB_PID=""; fi
}

start_worker() {
  $PY -m celery -A "${CELERY_APP:-training}" worker --pool=prefork --concurrency="$WORKER_CONCURRENCY" \
      --loglevel="${WORKER_LOGLEVEL:-INFO}" -n "bench@%h" > "$RESULTS/worker.log" 2>&1 &
  WORKER_PID=$!
  local i
  for i in $(seq 1 150); do
    grep -q "ready\." "$RESULTS/worker.log" && return 0  # logged at INFO
    if [ $((i % 10)) = 0 ] && .venv/bin/celery -A training inspect ping -d "bench@$(hostname)" --timeout 1 \
        > /dev/null 2>&1; then
      return 0
    fi
    sleep 0.2
  done
  log "celery worker did not start"; cat "$RESULTS/worker.log" >&2; exit 1
}

stop_worker() {
  if [ -n "$WORKER_PID" ]; then kill -TERM "$WORKER_PID" 2>/dev/null || true; wait "$WORKER_PID" 2>/dev/null || true; WORKER_PID=""; fi
}

cleanup() {
  stop_worker; stop_web
  if [ -n "$PG_AUTOGROUP" ]; then echo "$PG_AUTOGROUP_NICE" > "$PG_AUTOGROUP" || true; fi
}
trap cleanup EXIT
trap "exit 143" TERM INT

reset_data() { $PY bench/data.py reset; }

# wrk_run MODE OUTFILE [DURATION]: one wrk run over the request list.
wrk_run() {
  local mode=$1 out=$2 duration=${3:-$WRK_DURATION}
  $NICE wrk -t"$WRK_THREADS" -c"$WRK_CONNECTIONS" -d"$duration" --timeout 10s --latency \
      -s bench/wrk_requests.lua "$BENCH_URL" -- "$RESULTS/requests.tsv" "$mode" "$WRK_THREADS" > "$out"
}
