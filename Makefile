# Vigil — two commands on a fresh machine: `make demo` and `make test`.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
# Tests run against real services (PostgreSQL, Redis, a live Celery worker).
TEST_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/vigil
TEST_REDIS_URL ?= redis://127.0.0.1:6379/15

.PHONY: install browser demo test test-fast serve worker beat messages clean

$(VENV)/.installed: requirements.txt requirements-dev.txt
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $@

install: $(VENV)/.installed

## Browser tests drive Debian's Chromium (Playwright's own download cannot work here).
browser:
	@command -v chromium >/dev/null 2>&1 || { \
		echo "Installing Debian's chromium for the browser tests"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; }

## Embedded demo: SQLite, grading in-process, demo content, http://127.0.0.1:8000/
demo: install
	env -u DATABASE_URL -u REDIS_URL $(PY) manage.py migrate --no-input
	env -u DATABASE_URL -u REDIS_URL $(PY) manage.py seed_demo
	env -u DATABASE_URL -u REDIS_URL $(PY) manage.py runserver 127.0.0.1:8000

## The whole suite on PostgreSQL + Redis + a live Celery worker
test: install browser
	DATABASE_URL=$(TEST_DATABASE_URL) REDIS_URL=$(TEST_REDIS_URL) VIGIL_REQUIRE_SERVICES=1 \
		DJANGO_MEDIA_ROOT=$${TMPDIR:-/tmp}/vigil-test-media DJANGO_PRIVATE_FILES_ROOT=$${TMPDIR:-/tmp}/vigil-test-private \
		$(PY) -m pytest $(PYTEST_ARGS)

## Services mode by hand: web, worker, beat (set DATABASE_URL and REDIS_URL first)
serve: install
	$(VENV)/bin/gunicorn training.wsgi --bind 127.0.0.1:8000 --workers 2
worker: install
	$(VENV)/bin/celery -A training worker --loglevel=INFO
beat: install
	$(VENV)/bin/celery -A training beat --loglevel=INFO

messages: install
	$(PY) manage.py makemessages -l fr --ignore=.venv
	$(PY) manage.py compilemessages --ignore=.venv

clean:
	rm -rf $(VENV) vigil.sqlite3 media staticfiles
