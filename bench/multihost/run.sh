#!/usr/bin/env bash
# Vigil on separate hosts (issue 16, "Beyond one machine"): network namespaces made here (ip netns,
# veth pairs on a bridge of their own, Debian's iproute2), each with its own 10.77.0.x address:
#   db 10.77.0.10      a throwaway PostgreSQL cluster (initdb/pg_ctl of /usr/lib/postgresql/*/bin)
#   broker 10.77.0.11  Redis
#   files 10.77.0.12   an S3-compatible object store (moto's server: the S3 API over HTTP)
#   web 10.77.0.20     gunicorn, and the one Celery beat
#   worker 10.77.0.21  a Celery worker
#   client 10.77.0.30  the checks (bench/multihost/driver.py): a browser's and an API client's requests
# Checks: a submit on the web host graded by the worker host; an export built on the worker host
# and downloaded from the web host (through the S3 bucket: namespaces share this machine's file
# system, so each host gets folders of its own, and the run checks the worker's stay empty);
# the worker host cut off (its link down) while it grades and while answers keep coming, then
# restored: every answer graded once. Prints PASS/FAIL per check and a summary; exit 0 on PASS.
#   sudo bench/multihost/run.sh            # as root; about 1-2 min on a quiet 2-core machine
#   MH_KEEP=1 …                           # keep the logs folder (its path is printed)
# Everything is removed on exit (trap): processes by their pids, then the namespaces.
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$PWD
PY=$ROOT/.venv/bin/python
[ "$(id -u)" = 0 ] || { echo "FAIL: run as root (ip netns needs it)"; exit 2; }
echo "multi-host run: six network namespaces on this machine (db, broker, files, web, worker, client), a"
echo "  throwaway PostgreSQL, Redis, an S3 store (moto), gunicorn + beat, a Celery worker; then the checks"
echo "  (bench/multihost/driver.py): grading across hosts, an export through the bucket, the worker cut off."
echo "checking what it needs (a missing Debian package is installed with apt-get, a Python one with pip):"
. bench/need.sh
need_tool ip iproute2
need_tool setpriv util-linux
need_tool curl curl
need_tool redis-server redis-server
need_tool redis-cli redis-tools
PGBIN=$(ls -d /usr/lib/postgresql/*/bin 2> /dev/null | sort -V | tail -1)
[ -x "$PGBIN/initdb" ] || { echo "FAIL: no PostgreSQL server binaries under /usr/lib/postgresql (apt-get install -y postgresql)"; exit 2; }
echo "needs PostgreSQL's server binaries: $PGBIN (present)"
need_python moto.server moto
need_python boto3 boto3
need_python storages django-storages
need_python gunicorn gunicorn
need_python celery celery

ID=${MH_ID:-$$}
NS_PREFIX="vmh$ID"
WORK=$(mktemp -d /tmp/vigil-multihost.XXXXXX)
chmod 755 "$WORK"
T0=$(date +%s)
PIDS=()
HOSTS=(db broker files web worker client)
declare -A ADDR=([db]=10.77.0.10 [broker]=10.77.0.11 [files]=10.77.0.12 [web]=10.77.0.20 [worker]=10.77.0.21
                 [client]=10.77.0.30)
RESULTS=()
log() { echo "[$(date +%H:%M:%S)] $*"; }
ns() { echo "$NS_PREFIX-$1"; }
on() { local host=$1; shift; ip netns exec "$(ns "$host")" "$@"; }

# Every process still inside a host's namespace: a service started with `on HOST … &` runs
# as a child of the backgrounded subshell whose pid is in PIDS, so those pids alone would
# leave the services running (orphaned, in namespaces no longer listed) after the script.
ns_pids() { local host; for host in "${HOSTS[@]}"; do ip netns pids "$(ns "$host")" 2> /dev/null; done; }

cleanup() {
  local rc=$? pid left
  for pid in "${PIDS[@]}" $(ns_pids); do kill -TERM "$pid" 2> /dev/null || true; done
  for _ in $(seq 1 50); do
    left=$(ns_pids)
    [ -z "$left" ] && break
    sleep 0.2
  done
  for pid in "${PIDS[@]}" $(ns_pids); do kill -KILL "$pid" 2> /dev/null || true; done
  for host in "${HOSTS[@]}" switch; do ip netns del "$(ns "$host")" 2> /dev/null || true; done
  if [ "${MH_KEEP:-0}" = 1 ] || [ "$rc" != 0 ]; then echo "logs: $WORK"; else rm -rf "$WORK"; fi
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 143' TERM INT

summary() {
  local verdict=$1 line
  echo "=== multi-host run: $verdict in $(( $(date +%s) - T0 )) s ==="
  for line in "${RESULTS[@]}"; do echo "  $line"; done
}
fail() { RESULTS+=("FAIL $*"); summary FAIL; exit 1; }
check() {  # check NAME COMMAND…: the command prints PASS/FAIL lines (driver.py) or fails
  local name=$1 out; shift
  if out=$("$@" 2>> "$WORK/driver.log"); then
    while IFS= read -r l; do [[ $l == PASS* || $l == FAIL* || $l == INFO* ]] && RESULTS+=("$l"); echo "$l"; done <<< "$out"
  else
    echo "$out"; fail "$name (see $WORK/driver.log)$(tail -3 "$WORK/driver.log" | sed 's/^/ | /')"
  fi
}
wait_for() {  # wait_for WHAT SECONDS COMMAND…
  local what=$1 limit=$2 i; shift 2
  for i in $(seq 1 $((limit * 5))); do "$@" > /dev/null 2>&1 && return 0; sleep 0.2; done
  fail "$what not up after $limit s (logs in $WORK)"
}

# ---------------------------------------------------------------- the network
ip netns add "$(ns switch)"
ip -n "$(ns switch)" link add br0 type bridge
ip -n "$(ns switch)" link set br0 up
for host in "${HOSTS[@]}"; do
  ip netns add "$(ns "$host")"
  ip link add eth0 netns "$(ns "$host")" type veth peer name "$host" netns "$(ns switch)"
  ip -n "$(ns switch)" link set "$host" master br0 up
  ip -n "$(ns "$host")" addr add "${ADDR[$host]}/24" dev eth0
  ip -n "$(ns "$host")" link set eth0 up
  ip -n "$(ns "$host")" link set lo up
done
log "hosts: $(for h in "${HOSTS[@]}"; do printf '%s=%s ' "$h" "${ADDR[$h]}"; done)"

# ---------------------------------------------------------------- database, broker, files
mkdir -p "$WORK/pg"; chown postgres: "$WORK/pg"
setpriv --reuid postgres --regid postgres --init-groups "$PGBIN/initdb" -D "$WORK/pg/data" -U postgres -A trust \
    > "$WORK/initdb.log" 2>&1 || fail "initdb (see $WORK/initdb.log)"
echo "host all all 10.77.0.0/24 trust" >> "$WORK/pg/data/pg_hba.conf"
on db setpriv --reuid postgres --regid postgres --init-groups "$PGBIN/postgres" -D "$WORK/pg/data" \
    -c listen_addresses="${ADDR[db]}" -c unix_socket_directories="$WORK/pg" -c fsync=off \
    -c synchronous_commit=off -c full_page_writes=off > "$WORK/postgres.log" 2>&1 &
PIDS+=($!)
on broker redis-server --bind "${ADDR[broker]}" --port 6379 --protected-mode no --save "" --appendonly no \
    --dir "$WORK" > "$WORK/redis.log" 2>&1 &
PIDS+=($!)
on files "$PY" -m moto.server -H "${ADDR[files]}" -p 9000 > "$WORK/s3.log" 2>&1 &
PIDS+=($!)
wait_for PostgreSQL 30 on web "$PGBIN/pg_isready" -h "${ADDR[db]}" -q
on web "$PGBIN/createdb" -h "${ADDR[db]}" -U postgres vigil || fail "createdb"
wait_for Redis 20 on worker redis-cli -h "${ADDR[broker]}" ping
wait_for "the S3 store" 30 on web curl -sf "http://${ADDR[files]}:9000/"

# ---------------------------------------------------------------- the application's environment
export DJANGO_SETTINGS_MODULE=training.settings DJANGO_DEBUG=false DJANGO_SECURE_COOKIES=false
export DJANGO_SECRET_KEY=multihost-only-secret-key-not-for-production-0123456789abcdef
export DJANGO_ALLOWED_HOSTS=${ADDR[web]} DJANGO_LOG_LEVEL=WARNING
export DATABASE_URL=postgres://postgres@${ADDR[db]}:5432/vigil REDIS_URL=redis://${ADDR[broker]}:6379/0
export VIGIL_S3_BUCKET=vigil-multihost VIGIL_S3_ENDPOINT_URL=http://${ADDR[files]}:9000 VIGIL_S3_REGION=eu-west-3
export VIGIL_S3_ACCESS_KEY_ID=multihost VIGIL_S3_SECRET_ACCESS_KEY=multihost-secret
export DJANGO_CACHE_URL=redis://${ADDR[broker]}:6379/1
# The sweeper (beat, on the web host) re-enqueues an answer still ungraded after 10 s: what
# makes a message lost with a worker cut off mid-task graded anyway.
export VIGIL_GRADING_TIMEOUT_SECONDS=10 VIGIL_SWEEP_EVERY_SECONDS=5
for host in web worker; do mkdir -p "$WORK/$host/media" "$WORK/$host/private"; done
host_env() { echo "DJANGO_MEDIA_ROOT=$WORK/$1/media DJANGO_PRIVATE_FILES_ROOT=$WORK/$1/private"; }

on web env $(host_env web) "$PY" - <<'PY' || fail "bucket"
import os, boto3
boto3.client("s3", endpoint_url=os.environ["VIGIL_S3_ENDPOINT_URL"], region_name=os.environ["VIGIL_S3_REGION"],
             aws_access_key_id=os.environ["VIGIL_S3_ACCESS_KEY_ID"],
             aws_secret_access_key=os.environ["VIGIL_S3_SECRET_ACCESS_KEY"]).create_bucket(
    Bucket=os.environ["VIGIL_S3_BUCKET"], CreateBucketConfiguration={"LocationConstraint": os.environ["VIGIL_S3_REGION"]})
PY
log "migrating the database host's PostgreSQL from the web host"
on web env $(host_env web) "$PY" manage.py migrate --no-input > "$WORK/migrate.log" 2>&1 || fail "migrate (see $WORK/migrate.log)"
log "migrated in $(( $(date +%s) - T0 )) s since the start"
on web env $(host_env web) "$PY" -m gunicorn training.wsgi --bind "${ADDR[web]}:8000" --workers 2 \
    > "$WORK/gunicorn.log" 2>&1 &
PIDS+=($!)
on web env $(host_env web) "$PY" -m celery -A training beat --loglevel=INFO -s "$WORK/beat-schedule" \
    > "$WORK/beat.log" 2>&1 &
PIDS+=($!)
on worker env $(host_env worker) "$PY" -m celery -A training worker --pool=prefork --concurrency=2 --loglevel=INFO \
    -n "worker@${ADDR[worker]}" > "$WORK/worker.log" 2>&1 &
PIDS+=($!)
on web env $(host_env web) "$PY" bench/multihost/seed.py "$WORK/seed.json" || fail "seed"
wait_for gunicorn 40 on client curl -sf -o /dev/null "http://${ADDR[web]}:8000/accounts/login/"
wait_for "the Celery worker" 60 grep -q "ready\." "$WORK/worker.log"
log "web, beat and worker up ($(( $(date +%s) - T0 )) s since the start)"

# ---------------------------------------------------------------- the checks
export MH_WEB_URL=http://${ADDR[web]}:8000 MH_DATABASE_URL=$DATABASE_URL MH_STATE=$WORK/driver-state.json
drive() { on client "$PY" bench/multihost/driver.py "$1" "$WORK/seed.json"; }
check "submit graded by the worker host" drive grade
check "export" drive export
leftover=$(find "$WORK/worker/private" "$WORK/worker/media" "$WORK/web/private" -type f | wc -l)
[ "$leftover" = 0 ] && RESULTS+=("PASS no host folder holds a file: the bucket is what both hosts share") \
  || fail "$leftover file(s) in a host's own folder"
export MH_CUT_COMMAND="ip -n $(ns worker) link set eth0 down"
check "outage, first batch" drive outage-before
log "worker host cut off (link down)"
check "outage, while cut off" drive outage-during
ip -n "$(ns worker)" link set eth0 up
log "worker host restored (link up)"
check "outage, after" drive outage-after
kill -0 "${PIDS[-1]}" 2> /dev/null && RESULTS+=("PASS the worker process lived through the cut") \
  || fail "the worker process died during the cut (see $WORK/worker.log)"
summary PASS
