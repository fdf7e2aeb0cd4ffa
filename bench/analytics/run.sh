#!/usr/bin/env bash
# Analytics benchmark: (re)create vigil_bench_analytics, seed it, time the pages.
#   bench/analytics/run.sh            # full size (12,000 trainees, 480,000 graded items)
#   bench/analytics/run.sh --small    # a quick smoke run
#   SKIP_SEED=1 bench/analytics/run.sh  # time again on the data already there
set -euo pipefail
cd "$(dirname "$0")/../.."
. bench/analytics/env.sh
PY=.venv/bin/python
if [ -z "${SKIP_SEED:-}" ]; then
  psql -h 127.0.0.1 -U postgres -qc "DROP DATABASE IF EXISTS vigil_bench_analytics WITH (FORCE)"
  psql -h 127.0.0.1 -U postgres -qc "CREATE DATABASE vigil_bench_analytics"
  $PY manage.py migrate --no-input -v 0
  $PY bench/analytics/seed.py "$@"
fi
$PY bench/analytics/measure.py
