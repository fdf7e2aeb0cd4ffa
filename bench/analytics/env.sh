# Environment of the analytics benchmark (source it: `. bench/analytics/env.sh`).
# Its own PostgreSQL database; no broker (export jobs are timed by calling the task body).
export DATABASE_URL=postgres://postgres@127.0.0.1:5432/vigil_bench_analytics
export DJANGO_SETTINGS_MODULE=training.settings
export DJANGO_DEBUG=false
export DJANGO_SECRET_KEY=bench-analytics-only-secret-key-not-for-production-0123456789
export DJANGO_ALLOWED_HOSTS=testserver,127.0.0.1,localhost
export DJANGO_LOG_LEVEL=ERROR
export DJANGO_MEDIA_ROOT=${DJANGO_MEDIA_ROOT:-/tmp/vigil-bench-analytics-media}
unset REDIS_URL
