# Vigil — two commands on a fresh machine: `make demo` and `make test`.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
# Tests run against real services (PostgreSQL, Redis, a live Celery worker).
TEST_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/vigil
TEST_REDIS_URL ?= redis://127.0.0.1:6379/15
# The port `make demo` and `make serve` listen on (127.0.0.1): `make demo PORT=8001`.
PORT ?= 8000
# The French catalogue; django.mo is committed and rebuilt by demo and test when django.po is newer.
FR_PO := locale/fr/LC_MESSAGES/django.po
FR_MO := locale/fr/LC_MESSAGES/django.mo
# Folders makemessages must not read (matched by name at any depth).
MESSAGES_IGNORE := .venv .ralph-venv venv node_modules bench tests test-artifacts staticfiles media private htmlcov

## The layers of the apps (.importlinter): a lower app never imports a higher one, no cycles
lint: install
	$(VENV)/bin/lint-imports --no-cache

.PHONY: lint install browser demo test test-fast serve worker beat messages clean ralph-venv

$(VENV)/.installed: requirements.txt requirements-dev.txt
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $@

install: $(VENV)/.installed

## Ralph's LRS server for the xAPI integration test, in its own virtual environment (made once, ~1 min)
RALPH_VENV ?= .ralph-venv
$(RALPH_VENV)/.installed: .ci/ralph-requirements.txt
	$(PYTHON) -m venv $(RALPH_VENV)
	$(RALPH_VENV)/bin/python -m pip install --quiet -r .ci/ralph-requirements.txt
	touch $@

ralph-venv: $(RALPH_VENV)/.installed

## Recompile the committed French catalogue when its source changed (GNU msgfmt, if installed).
$(FR_MO): $(FR_PO)
	@if command -v msgfmt >/dev/null 2>&1; then \
		echo "msgfmt --check -o $@ $<"; msgfmt --check -o $@ $<; \
	else \
		echo "GNU gettext (msgfmt) is not installed: using the committed $@"; \
	fi

## Browser tests drive Debian's Chromium (Playwright's own download cannot work here).
browser:
	@command -v chromium >/dev/null 2>&1 || { \
		echo "Installing Debian's chromium for the browser tests"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; }

## Embedded demo: SQLite, grading in-process, demo content, http://127.0.0.1:$(PORT)/
demo: install $(FR_MO)
	env -u DATABASE_URL -u REDIS_URL $(PY) manage.py migrate --no-input
	env -u DATABASE_URL -u REDIS_URL $(PY) manage.py seed_demo
	env -u DATABASE_URL -u REDIS_URL $(PY) manage.py runserver 127.0.0.1:$(PORT)

## The whole suite on PostgreSQL + Redis + a live Celery worker
test: install browser ralph-venv $(FR_MO)
	DATABASE_URL=$(TEST_DATABASE_URL) REDIS_URL=$(TEST_REDIS_URL) VIGIL_REQUIRE_SERVICES=1 VIGIL_RALPH_VENV=$(abspath $(RALPH_VENV)) \
		DJANGO_MEDIA_ROOT=$${TMPDIR:-/tmp}/vigil-test-media DJANGO_PRIVATE_FILES_ROOT=$${TMPDIR:-/tmp}/vigil-test-private \
		$(PY) -m pytest $(PYTEST_ARGS)

## Services mode by hand: web, worker, beat (set DATABASE_URL and REDIS_URL first)
serve: install
	$(VENV)/bin/gunicorn training.wsgi --bind 127.0.0.1:$(PORT) --workers 2
worker: install
	$(VENV)/bin/celery -A training worker --loglevel=INFO
beat: install
	$(VENV)/bin/celery -A training beat --loglevel=INFO

## The French catalogue, with GNU gettext (xgettext, msgmerge, msgfmt): extract the strings of
## the code only (not the virtualenv, benchmarks, tests or build output), drop obsolete `#~`
## entries, check the catalogue with `msgfmt --check`, then compile it. Commit both files.
messages: install
	@command -v msgfmt >/dev/null 2>&1 || { \
		echo "make messages needs GNU gettext: apt-get install gettext"; exit 1; }
	$(PY) manage.py makemessages -l fr --no-obsolete $(addprefix --ignore=,$(MESSAGES_IGNORE))
	msgfmt --check --statistics -o /dev/null $(FR_PO)
	$(PY) manage.py compilemessages -l fr $(addprefix --ignore=,$(MESSAGES_IGNORE))

clean:
	rm -rf $(VENV) vigil.sqlite3 media staticfiles
