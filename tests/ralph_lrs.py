"""Ralph's LRS server on loopback, for the tests that deliver statements to a real LRS.

It runs from its own virtual environment (``make ralph-venv``, which ``make test`` and
.ci/run prepare; ``VIGIL_RALPH_VENV`` says where), with its file-system backend and HTTP
basic auth, on 127.0.0.1 and a free port; ``stop``/``start`` keep its port and data.
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

REPO_ROOT = Path(__file__).resolve().parents[1]
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
