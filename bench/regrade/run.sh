#!/usr/bin/env bash
# Regrade benchmark: a fresh PostgreSQL database, N graded responses, timed dry runs and run.
#   bench/regrade/run.sh              (RESPONSES=10000 DRY_RUNS=5 by default)
set -euo pipefail
cd "$(dirname "$0")/../.."
DB=${REGRADE_BENCH_DB:-vigil_regrade_bench}
psql -h 127.0.0.1 -U postgres -qc "DROP DATABASE IF EXISTS $DB WITH (FORCE)"
psql -h 127.0.0.1 -U postgres -qc "CREATE DATABASE $DB"
export DATABASE_URL=postgres://postgres@127.0.0.1:5432/$DB
export DJANGO_SETTINGS_MODULE=training.settings
export DJANGO_LOG_LEVEL=WARNING
# No worker: the script times the services directly (the tasks only wrap them). The
# on-commit enqueues go to Celery's in-memory broker, where nothing consumes them.
unset REDIS_URL
export CELERY_TASK_ALWAYS_EAGER=false
.venv/bin/python manage.py migrate --no-input -v 0
.venv/bin/python bench/regrade/run.py
