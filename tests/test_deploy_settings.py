"""Production settings pass Django's deployment checklist once HTTPS is switched on."""
import json
import os
import subprocess
import sys
from urllib.parse import urlsplit, urlunsplit
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_check_deploy_is_clean_with_the_documented_https_settings():
    # The browser tests set DJANGO_ALLOW_ASYNC_UNSAFE for the live server; a deployment never does.
    inherited = {k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    env = {**inherited, "DJANGO_DEBUG": "false", "DJANGO_SECRET_KEY": "k" * 30 + "-not-a-real-secret-" + "x" * 30,
           "DJANGO_ALLOWED_HOSTS": "vigil.example", "DJANGO_SSL_REDIRECT": "true", "DJANGO_HSTS_SECONDS": "31536000",
           "DJANGO_HSTS_PRELOAD": "true", "DJANGO_TRUST_X_FORWARDED_PROTO": "true"}
    done = subprocess.run([sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr


def _database_settings(**extra: str) -> dict:
    """The default database's settings as a fresh process reads them from its environment."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_DB_POOL_", "DJANGO_DB_PGBOUNCER"))}
    env.update(DATABASE_URL="postgres://vigil@db.example:5432/vigil", DJANGO_SETTINGS_MODULE="training.settings", **extra)
    code = ("import json, django; django.setup(); from django.conf import settings; "
            "d = settings.DATABASES['default']; print(json.dumps({'age': d['CONN_MAX_AGE'], 'options': d.get('OPTIONS', {}), "
            "'server_side_cursors': not d.get('DISABLE_SERVER_SIDE_CURSORS', False)}))")
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_db_pool_max_size_turns_on_the_native_psycopg_pool_instead_of_persistent_connections():
    read = _database_settings(DJANGO_DB_POOL_MAX_SIZE="8", DJANGO_DB_POOL_TIMEOUT="5")
    assert (read["age"], read["options"]["pool"]) == (0, {"min_size": 1, "max_size": 8, "timeout": 5.0})


def test_without_db_pool_max_size_connections_persist_and_no_pool_is_made():
    read = _database_settings()
    assert read["age"] == 60 and "pool" not in read["options"]


def test_behind_pgbouncer_in_transaction_mode_no_server_side_cursor_or_prepared_statement_is_used():
    read = _database_settings(DJANGO_DB_PGBOUNCER="true")
    assert read["server_side_cursors"] is False and read["options"]["prepare_threshold"] is None


def test_without_pgbouncer_server_side_cursors_stay():
    assert _database_settings()["server_side_cursors"] is True


def test_without_pgbouncer_statements_may_be_prepared_when_asked_and_never_by_count():
    # psycopg prepares only what asks (training/compiled.py) once no query is run this often.
    assert _database_settings()["options"]["prepare_threshold"] == 2**31 - 1


def test_with_db_pool_max_size_queries_run_on_a_connection_from_the_psycopg_pool():
    env = {**os.environ, "DJANGO_DB_POOL_MAX_SIZE": "2", "DJANGO_SETTINGS_MODULE": "training.settings"}
    assert env.get("DATABASE_URL", "").startswith("postgres"), "run with DATABASE_URL of the test PostgreSQL"
    # The server's own database: the one DATABASE_URL names is only a prefix of the test database's.
    env["DATABASE_URL"] = urlunsplit(urlsplit(env["DATABASE_URL"])._replace(path="/postgres"))
    code = ("import django; django.setup(); from django.db import connection; "
            "print(connection.cursor().execute('SELECT 41 + 1').fetchone()[0], type(connection.pool).__name__)")
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.split()[-2:] == ["42", "ConnectionPool"]
