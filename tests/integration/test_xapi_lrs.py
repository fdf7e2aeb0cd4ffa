"""xAPI statements reach a real LRS, through an outage, each exactly once.

Ralph's LRS server (``ralph.api``, its file-system backend, HTTP basic auth) runs on loopback
from its own virtual environment (``make ralph-venv``, which ``make test`` and .ci/run
prepare; ``VIGIL_RALPH_VENV`` says where). A trainee answers through the services; a live
Celery worker grades and delivers; beat sweeps the outbox. The test stops the LRS mid-run,
answers more, sees the statements pile up (tried, not lost), starts the LRS again, and reads
back from the LRS every statement of the outbox, each once.
"""
import base64
import json
import os
import signal
import socket
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest

from quizzes import services as quiz_services
from quizzes.models import Response
from tests.factories import CaseFactory, ItemFactory, UserFactory, assigned_module
from xapi.models import LrsSettings, OutboxStatement

pytestmark = pytest.mark.integration
live_db = pytest.mark.django_db(transaction=True)

REPO_ROOT = Path(__file__).resolve().parents[2]
KEY, SECRET = "vigil", "lrs-secret-for-tests"
# Ralph's file-system LRS backend writes its statements file with the operation CREATE, which
# refuses a second POST once the file exists (500 "Statements bulk indexation failed", Ralph
# 5.1.0); in APPEND mode each POST adds its statements to the file. Its check of statement ids
# already stored, which makes a statement sent twice one statement, is unchanged.
SERVE = """
import sys
import uvicorn
from ralph.backends.data.base import BaseOperationType
from ralph.backends.lrs.fs import FSLRSBackend
FSLRSBackend.default_operation_type = BaseOperationType.APPEND
uvicorn.run("ralph.api:app", host="127.0.0.1", port=int(sys.argv[1]), log_level="info")
"""
TIMEOUT = 60


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class RalphLrs:
    """Ralph's LRS on 127.0.0.1, stopped and started again on the same port and data."""

    def __init__(self, venv: Path, workdir: Path):
        self.venv, self.workdir, self.port = venv, workdir, _free_port()
        self.process: subprocess.Popen | None = None
        self.env = {
            **{k: v for k, v in os.environ.items() if not k.startswith("RALPH_")},
            "RALPH_APP_DIR": str(workdir), "RALPH_AUTH_FILE": str(workdir / "auth.json"),
            "RALPH_RUNSERVER_BACKEND": "fs",
            "RALPH_BACKENDS__LRS__FS__DEFAULT_DIRECTORY_PATH": str(workdir / "data"),
        }
        (workdir / "data").mkdir(exist_ok=True)
        subprocess.run([str(venv / "bin" / "ralph"), "auth", "-u", KEY, "-p", SECRET, "-s", "all",
                        "-A", "vigil-lrs", "https://vigil.invalid", "-w"],
                       env=self.env, check=True, capture_output=True, timeout=60)

    @property
    def endpoint(self) -> str:
        return f"http://127.0.0.1:{self.port}/xAPI/"

    def start(self) -> None:
        log = (self.workdir / "ralph.log").open("ab")
        self.process = subprocess.Popen(
            [str(self.venv / "bin" / "python"), "-c", SERVE, str(self.port)],
            env=self.env, cwd=self.workdir, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
            start_new_session=True)
        deadline = time.monotonic() + 30
        while True:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{self.port}/__heartbeat__", timeout=1).read()
                return
            except OSError:
                if self.process.poll() is not None or time.monotonic() > deadline:
                    pytest.fail(f"Ralph's LRS did not start:\n{(self.workdir / 'ralph.log').read_text()[-3000:]}")
                time.sleep(0.1)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            self.process.wait(timeout=10)
        self.process = None

    def statements(self) -> list[dict]:
        request = urllib.request.Request(f"{self.endpoint}statements?limit=1000", headers={
            "X-Experience-API-Version": "1.0.3",
            "Authorization": "Basic " + base64.b64encode(f"{KEY}:{SECRET}".encode()).decode()})
        with urllib.request.urlopen(request, timeout=10) as answer:
            return json.loads(answer.read())["statements"]


@pytest.fixture
def ralph(tmp_path):
    venv = Path(os.environ.get("VIGIL_RALPH_VENV") or REPO_ROOT / ".ralph-venv")
    if not (venv / "bin" / "ralph").exists():
        pytest.fail(f"Ralph's LRS is not installed in {venv}: run `make ralph-venv` (make test and .ci/run do).")
    lrs = RalphLrs(venv, tmp_path)
    lrs.start()
    yield lrs
    lrs.stop()


def _wait(predicate, *, what: str, processes=(), timeout: float = TIMEOUT) -> float:
    start = time.monotonic()
    while not predicate():
        if time.monotonic() - start > timeout:
            logs = "\n".join(f"--- {p.log.name}\n{p.log_tail()}" for p in processes)
            rows = list(OutboxStatement.objects.values_list("verb", "status", "tries", "last_error"))
            pytest.fail(f"Timed out after {timeout} s waiting for {what}\noutbox: {rows}\n{logs}")
        time.sleep(0.1)
    return time.monotonic() - start


def _count(**filters) -> int:
    return OutboxStatement.objects.filter(**filters).count()


@live_db
def test_every_statement_reaches_the_lrs_once_through_an_outage(ralph, celery_processes):
    trainee = UserFactory()
    module = assigned_module(trainee)
    case = CaseFactory(module=module)
    items = [ItemFactory(case=case) for _ in range(8)]
    school = trainee.enrollments.get().cohort.school
    LrsSettings.objects.create(school=school, enabled=True, endpoint=ralph.endpoint, key=KEY, secret=SECRET,
                               actor_mode="pseudonym")
    env = {"VIGIL_SWEEP_EVERY_SECONDS": "1", "VIGIL_XAPI_BACKOFF_BASE_SECONDS": "1",
           "VIGIL_XAPI_BACKOFF_CAP_SECONDS": "2", "VIGIL_XAPI_HTTP_TIMEOUT_SECONDS": "10"}
    worker = celery_processes.worker(concurrency=2, env=env)
    beat = celery_processes.beat(env=env)
    procs = (worker, beat)

    # The LRS is up: the attempt and the first answers arrive.
    attempt = quiz_services.attempt_start(trainee=trainee, module=module)
    for item in items[:3]:
        quiz_services.response_submit(attempt=attempt, item=item, answer={"answer": "b"})
    _wait(lambda: _count(status="sent") == 4, what="the first 4 statements sent", processes=procs)

    # The LRS goes down mid-run: grading goes on, statements pile up, tried and kept.
    ralph.stop()
    for item in items[3:]:
        quiz_services.response_submit(attempt=attempt, item=item, answer={"answer": "a"})
    _wait(lambda: Response.objects.filter(state="graded").count() == 8, what="every answer graded", processes=procs)
    _wait(lambda: _count(status="pending", tries__gte=2) == 6, what="6 statements tried twice", processes=procs)
    backlog = _count(status="pending")
    assert backlog == 6 and _count(status="sent") == 4  # 5 answers and the module completed
    assert "URLError" in OutboxStatement.objects.filter(status="pending").first().last_error

    # The LRS is back: the backlog drains, and the LRS holds every statement once.
    ralph.start()
    drained = _wait(lambda: _count(status="sent") == 10, what="the backlog delivered", processes=procs)
    stored = ralph.statements()
    ids = [s["id"] for s in stored]
    assert len(ids) == len(set(ids)) == 10
    assert set(ids) == {str(i) for i in OutboxStatement.objects.values_list("id", flat=True)}
    assert not _count(status="failed")
    tries = sorted(OutboxStatement.objects.values_list("tries", flat=True))
    print(f"\nxAPI outage figures: {backlog} statements queued while the LRS was down, tries per statement "
          f"{tries}, backlog delivered {drained:.1f} s after the LRS was back; 10 stored, 0 duplicates, 0 lost")
