"""Fixtures of the integration tests: real PostgreSQL, real Redis, real Celery processes.

Nothing here is mocked. A worker (or beat) is a ``celery -A training …`` subprocess in its
own process group, pointed at the test database and at the broker in use; a test starts it
when its story needs it (before or after the submits) and it is stopped before pytest-django
truncates the tables. A missing service fails the test, it never skips it: without
``REDIS_URL`` Celery would run eagerly in-process and every test here would prove nothing.
"""
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from urllib.parse import quote

import pytest
import redis
from django.conf import settings
from django.db import connection
from django.utils import timezone
from rest_framework.test import APIClient

from quizzes import services
from quizzes.models import Response
from tests.factories import CaseFactory, ItemFactory, UserFactory, assigned_module
from training.celery import app as celery_app

REPO_ROOT = Path(__file__).resolve().parents[2]
READY_TIMEOUT = 30
STOP_TIMEOUT = 10


# ---------------------------------------------------------------- services

@pytest.fixture(autouse=True)
def broker_url():
    """The broker of this run, emptied so no message of an earlier test leaks in.

    Fails (never skips) when the run is not on PostgreSQL and a reachable Redis.
    """
    if not settings.REDIS_URL:
        pytest.fail("REDIS_URL is not set: integration tests need Redis (run them with `make test`).")
    if celery_app.conf.task_always_eager:
        pytest.fail("Celery is eager: integration tests need tasks to go through the broker to a worker.")
    if connection.vendor != "postgresql":
        pytest.fail(f"DATABASE_URL points at {connection.vendor}: integration tests need PostgreSQL.")
    redis.Redis.from_url(settings.REDIS_URL, socket_timeout=5).flushdb()
    return settings.REDIS_URL


def _database_url() -> str:
    """The URL of the test database (pytest-django renamed NAME to test_…) for a subprocess."""
    s = connection.settings_dict
    auth = quote(s["USER"] or "", safe="")
    if s["PASSWORD"]:
        auth += ":" + quote(s["PASSWORD"], safe="")
    return f"postgres://{auth}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"


# ---------------------------------------------------------------- Celery processes

@dataclass
class CeleryProcess:
    """A ``celery -A training worker|beat`` subprocess and its log file."""

    process: subprocess.Popen
    log: Path

    def log_text(self) -> str:
        return self.log.read_text(errors="replace") if self.log.exists() else ""

    def log_tail(self, lines: int = 40) -> str:
        return "\n".join(self.log_text().splitlines()[-lines:])

    def kill(self) -> None:
        """SIGKILL the whole process group (main process and pool children) at once."""
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=STOP_TIMEOUT)

    def stop(self) -> None:
        """Warm shutdown (SIGTERM to the group), then SIGKILL whatever is left of the group
        after STOP_TIMEOUT seconds (pool children included)."""
        if self.process.poll() is None:
            try:
                os.killpg(self.process.pid, signal.SIGTERM)
                self.process.wait(timeout=STOP_TIMEOUT)
            except (subprocess.TimeoutExpired, ProcessLookupError):
                pass
        try:
            os.killpg(self.process.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        self.process.wait(timeout=STOP_TIMEOUT)


@dataclass
class CeleryLauncher:
    tmp_path: Path
    broker_url: str
    started: list[CeleryProcess] = field(default_factory=list)

    def _start(self, args: list[str], *, broker_url: str | None, env: dict[str, str] | None, ready: str,
               name: str) -> CeleryProcess:
        log = self.tmp_path / f"{name}-{len(self.started)}.log"
        environment = {
            **os.environ,
            "DATABASE_URL": _database_url(),
            "REDIS_URL": broker_url or self.broker_url,
            "CELERY_TASK_ALWAYS_EAGER": "false",
            "DJANGO_SETTINGS_MODULE": os.environ.get("DJANGO_SETTINGS_MODULE", "training.settings"),
            **(env or {}),
        }
        with log.open("wb") as out:
            process = subprocess.Popen(
                [sys.executable, "-m", "celery", "-A", "training", *args],
                cwd=REPO_ROOT, env=environment, stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                start_new_session=True,
            )
        started = CeleryProcess(process=process, log=log)
        self.started.append(started)
        deadline = time.monotonic() + READY_TIMEOUT
        while ready not in started.log_text():
            if process.poll() is not None:
                pytest.fail(f"celery {name} exited with {process.returncode} before it was ready:\n{started.log_tail()}")
            if time.monotonic() > deadline:
                started.stop()
                pytest.fail(f"celery {name} not ready after {READY_TIMEOUT} s:\n{started.log_tail()}")
            time.sleep(0.1)
        return started

    def worker(self, *, concurrency: int = 1, broker_url: str | None = None,
               env: dict[str, str] | None = None, as_deployed: bool = False) -> CeleryProcess:
        """A prefork worker, returned once it logged "ready." (it consumes from then on).

        Without gossip, mingle and heartbeat unless ``as_deployed`` (the README's command)."""
        quiet = [] if as_deployed else ["--without-gossip", "--without-mingle", "--without-heartbeat"]
        return self._start(
            ["worker", "--loglevel=INFO", "--pool=prefork", f"--concurrency={concurrency}",
             *quiet, "-n", f"it-{uuid.uuid4().hex[:8]}@%h"],
            broker_url=broker_url, env=env, ready="ready.", name="worker",
        )

    def beat(self, *, broker_url: str | None = None, env: dict[str, str] | None = None) -> CeleryProcess:
        """A beat with its schedule file under tmp_path, returned once it started."""
        return self._start(
            ["beat", "--loglevel=INFO", "-s", str(self.tmp_path / f"beat-schedule-{uuid.uuid4().hex[:8]}")],
            broker_url=broker_url, env=env, ready="beat: Starting", name="beat",
        )

    def stop_all(self) -> None:
        for started in reversed(self.started):
            started.stop()


@pytest.fixture
def celery_processes(transactional_db, broker_url, tmp_path):
    """Start workers and beats (``celery_processes.worker(concurrency=2)``); all are stopped
    at teardown, before pytest-django's flush (this fixture depends on ``transactional_db``),
    so no worker connection holds a lock the TRUNCATE would wait for."""
    launcher = CeleryLauncher(tmp_path=tmp_path, broker_url=broker_url)
    yield launcher
    launcher.stop_all()


# ---------------------------------------------------------------- a broker of our own

def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class RedisServer:
    """A throwaway ``redis-server`` that a test may stop and start again on the same port."""

    port: int
    workdir: Path
    process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        binary = shutil.which("redis-server")
        if binary is None:
            pytest.fail("redis-server is not on PATH: the broker-outage test starts its own Redis.")
        self.process = subprocess.Popen(
            [binary, "--port", str(self.port), "--save", "", "--appendonly", "no", "--bind", "127.0.0.1",
             "--dir", str(self.workdir)],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, stdin=subprocess.DEVNULL,
        )
        client = redis.Redis(port=self.port, socket_timeout=1)
        deadline = time.monotonic() + 10
        while True:
            try:
                client.ping()
                return
            except redis.ConnectionError:
                if self.process.poll() is not None or time.monotonic() > deadline:
                    pytest.fail(f"redis-server on port {self.port} did not start")
                time.sleep(0.05)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGCONT)  # a frozen server cannot act on SIGTERM
            self.process.terminate()
            self.process.wait(timeout=10)
        self.process = None

    def freeze(self) -> None:
        """Hang the server (SIGSTOP): connections stay open, nothing answers, new ones queue up."""
        self.process.send_signal(signal.SIGSTOP)

    def thaw(self) -> None:
        self.process.send_signal(signal.SIGCONT)

    def drop_clients(self) -> None:
        """Close every client connection, as a failover or a healed partition leaves them."""
        client = self.client()
        for kind in ("normal", "pubsub"):
            client.client_kill_filter(_type=kind, skipme=True)

    def client(self) -> redis.Redis:
        return redis.Redis(port=self.port, socket_timeout=5)


@pytest.fixture
def own_redis(tmp_path):
    """A dedicated Redis (never the machine's 6379): the test may stop it at will."""
    server = RedisServer(port=_free_port(), workdir=tmp_path)
    server.start()
    yield server
    server.stop()


def _reset_producer_pools() -> None:
    # Celery 5.7 caches the broker connection pool in app._pool (app.pool) and the
    # producer pool in app.amqp._producer_pool; both are rebuilt from broker_url when None
    # (the same reset Celery does itself after a fork, Celery._after_fork).
    celery_app._pool = None
    celery_app.amqp._producer_pool = None


@pytest.fixture
def publish_to_own_redis(own_redis):
    """Point this process's Celery app (what the web process publishes with) at own_redis."""
    previous = celery_app.conf.broker_url
    celery_app.conf.broker_url = own_redis.url
    _reset_producer_pools()
    yield own_redis
    celery_app.conf.broker_url = previous
    _reset_producer_pools()


# ---------------------------------------------------------------- content and people

@pytest.fixture
def trainee(transactional_db):
    user = UserFactory()
    # UserFactory sets the password after create and skips the save, so the stored hash
    # differs from the instance's and a force_login session would be rejected.
    user.save(update_fields=["password"])
    return user


@pytest.fixture
def module(trainee):
    return assigned_module(trainee)


@pytest.fixture
def item(module):
    """A single-choice item whose key is "b"."""
    return ItemFactory(case=CaseFactory(module=module))


@pytest.fixture
def attempt(trainee, module):
    return services.attempt_start(trainee=trainee, module=module)


@pytest.fixture
def trainee_client(trainee):
    client = APIClient()
    client.force_login(trainee)
    return client


@pytest.fixture
def lost_stale_response(broker_url, attempt, item):
    """A response past the grading timeout whose grading message was lost (the broker was
    emptied after the submit), as after a Redis restart without persistence."""
    response, _created = services.response_submit(attempt=attempt, item=item, answer={"answer": "b"})
    redis.Redis.from_url(broker_url).flushdb()
    Response.objects.filter(pk=response.pk).update(submitted_at=timezone.now() - timedelta(hours=1))
    return response
