"""Fixtures of the xapi tests: a school that sends statements, a trainee of it, and a stub
LRS on loopback (a real HTTP server in a thread, answering with the status a test sets)."""
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from tests.factories import AssignmentFactory, EnrollmentFactory, ModuleFactory, UserFactory
from tests.quizzes.conftest import case, decide_first, single_choice  # noqa: F401 - the same items


class StubLrs:
    def __init__(self):
        self.status = 200
        self.received: list[list[dict]] = []
        self.headers: list[dict] = []
        handler = self._handler()
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def endpoint(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/xAPI/"

    def _handler(self):
        stub = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                stub.headers.append({k.lower(): v for k, v in self.headers.items()})
                status = stub.status(json.loads(body)) if callable(stub.status) else stub.status
                if status == 200:
                    stub.received.append(json.loads(body))
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.end_headers()
                self.wfile.write(b"[]" if status == 200 else b'{"detail": "no"}')

            def log_message(self, *args):
                pass

        return Handler

    @property
    def statement_ids(self) -> list[str]:
        return [s["id"] for batch in self.received for s in batch]


@pytest.fixture
def stub_lrs():
    lrs = StubLrs()
    lrs.thread.start()
    yield lrs
    lrs.server.shutdown()
    lrs.server.server_close()


@pytest.fixture
def trainee(db):
    return UserFactory(username="t.rainee")


@pytest.fixture
def module(db, trainee):
    module = ModuleFactory()
    enrollment = EnrollmentFactory(user=trainee)
    AssignmentFactory(cohort=enrollment.cohort, course=module.version.course)
    return module


@pytest.fixture
def school(module, trainee):
    return trainee.enrollments.first().cohort.school


@pytest.fixture
def lrs(school):
    from xapi.models import LrsSettings

    return LrsSettings.objects.create(school=school, enabled=True, endpoint="http://127.0.0.1:9/xAPI/",
                                      key="vigil", secret="s3cret", home_page="https://sso.school.example")
