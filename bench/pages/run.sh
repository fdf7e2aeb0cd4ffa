#!/usr/bin/env bash
# Case player server time on PostgreSQL, demo content. Usage: bench/pages/run.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
DB=${BENCH_PAGES_DB:-vigil_bench_pages}
export DATABASE_URL=postgres://postgres@127.0.0.1:5432/$DB DJANGO_DEBUG=false DJANGO_SECRET_KEY=bench \
       CELERY_TASK_ALWAYS_EAGER=true DJANGO_MEDIA_ROOT=/tmp/vigil-bench-pages-media DJANGO_LOG_LEVEL=ERROR
unset REDIS_URL
psql -h 127.0.0.1 -U postgres -qc "DROP DATABASE IF EXISTS $DB" -c "CREATE DATABASE $DB" postgres
.venv/bin/python manage.py migrate -v0
.venv/bin/python manage.py seed_demo --trainees 10 >/dev/null
.venv/bin/python bench/pages/case_player.py
