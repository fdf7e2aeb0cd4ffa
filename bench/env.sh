# Environment of every benchmark process (source it: `. bench/env.sh`).
# A database and a Redis db of their own, so benchmarks never touch test_vigil, vigil_lead,
# vigil_it or Redis dbs 14 (integration tests run there too) and 15. bench/lib.sh refuses
# to start while another client uses the bench's Redis db.
export BENCH_DB=${BENCH_DB:-vigil_bench}  # e.g. vigil_bench_NAME when several people bench at once
export DATABASE_URL=postgres://postgres@127.0.0.1:5432/$BENCH_DB
export BENCH_REDIS_DB=${BENCH_REDIS_DB:-13}
export REDIS_URL=redis://127.0.0.1:6379/$BENCH_REDIS_DB
export DJANGO_SETTINGS_MODULE=training.settings
export DJANGO_DEBUG=false
export DJANGO_SECRET_KEY=bench-only-secret-key-not-for-production-0123456789
export DJANGO_ALLOWED_HOSTS=127.0.0.1,localhost
export DJANGO_LOG_LEVEL=WARNING
export VIGIL_BENCH=1
# Sizes and load settings (override on the command line, e.g. `RUNS=5 bench/run_all.sh`).
export RUNS=${RUNS:-3}
export WEB_WORKERS=${WEB_WORKERS:-4}  # gunicorn processes; WEB_WORKER_CLASS (sync) and WEB_THREADS (gthread) too
export WRK_THREADS=${WRK_THREADS:-2}
export WRK_CONNECTIONS=${WRK_CONNECTIONS:-8}
export WRK_DURATION=${WRK_DURATION:-15s}
export WORKER_CONCURRENCY=${WORKER_CONCURRENCY:-2}
export E2E_RESPONSES=${E2E_RESPONSES:-2000}
export IDLE_SAMPLES=${IDLE_SAMPLES:-200}
export CONTROL_RESPONSES=${CONTROL_RESPONSES:-500}
export BENCH_PORT=${BENCH_PORT:-8077}
export BENCH_URL=http://127.0.0.1:$BENCH_PORT
