#!/usr/bin/env bash
# Every Vigil benchmark, from scratch: database, data, (a) submit vs bare under load,
# (b) submit-to-graded with one Celery worker and the idle latency. About 6-10 minutes.
# Results: bench/results/ (raw) and the Markdown tables printed at the end.
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/env.sh
command -v wrk > /dev/null || echo "# wrk is missing: bench/run_submit_load.sh installs it with apt-get (root) or says what to run"
{
  echo "# $(date -u +%FT%TZ) on $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"
  if git rev-parse --git-dir > /dev/null 2>&1; then
    echo "# commit $(git rev-parse --short HEAD); product files changed since: $(git status --porcelain -- training quizzes cohorts courses accounts | wc -l)"
  else
    echo "# not a git checkout; SNAPSHOT_COMMIT: $(cat SNAPSHOT_COMMIT 2>/dev/null)"
  fi
  echo "# RUNS=$RUNS WEB_WORKERS=$WEB_WORKERS WRK=-t$WRK_THREADS/-c$WRK_CONNECTIONS/-d$WRK_DURATION WORKER_CONCURRENCY=$WORKER_CONCURRENCY E2E_RESPONSES=$E2E_RESPONSES IDLE_SAMPLES=$IDLE_SAMPLES"
} | { mkdir -p bench/results; tee bench/results/run_all.log; }
timeout 300 bench/setup_db.sh 2>&1 | tee -a bench/results/run_all.log
timeout 900 bench/run_submit_load.sh 2>&1 | tee -a bench/results/run_all.log
timeout 900 bench/run_e2e.sh 2>&1 | tee -a bench/results/run_all.log
