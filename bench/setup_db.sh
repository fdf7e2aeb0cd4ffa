#!/usr/bin/env bash
# Create (from scratch) and migrate the benchmark database, then load the benchmark data.
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/env.sh
PY=.venv/bin/python
psql -h 127.0.0.1 -U postgres -qc "DROP DATABASE IF EXISTS $BENCH_DB WITH (FORCE)"
psql -h 127.0.0.1 -U postgres -qc "CREATE DATABASE $BENCH_DB"
$PY manage.py migrate --no-input -v 0
$PY bench/data.py prepare "$@"
