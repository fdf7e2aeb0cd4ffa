"""Admission control (training/admission.py): a saturated web answers "queue" at once, with
Retry-After and without touching the database; a trainee within an attempt always goes on."""
import json
import threading
import time

import pytest
from django.http import HttpResponse
from django.test import RequestFactory, override_settings
from hypothesis import given
from hypothesis import strategies as st

from training.admission import AdmissionMiddleware, queued_ms, retry_after

NOW = 1_780_000_000.0


def _middleware(view=lambda request: HttpResponse("served")):
    return AdmissionMiddleware(view)


def _waited(seconds: float) -> dict:
    return {"HTTP_X_REQUEST_START": f"t={time.time() - seconds:.3f}"}


@pytest.mark.parametrize("header", [f"t={NOW - 2.5:.3f}", f"t={int((NOW - 2.5) * 1000)}",
                                    f"t={int((NOW - 2.5) * 1_000_000)}", f"{NOW - 2.5:.3f}"])
def test_the_proxys_request_start_is_read_in_seconds_milliseconds_or_microseconds(header):
    assert queued_ms(header, NOW) == pytest.approx(2500, abs=1)


def test_an_unreadable_request_start_is_ignored():
    assert queued_ms("t=yesterday", NOW) is None


@given(st.integers(min_value=1, max_value=600))
def test_retry_after_is_spread_between_the_base_and_twice_it(base):
    assert base <= retry_after(base) < 2 * base


@override_settings(VIGIL_ADMISSION_MAX_QUEUE_MS=1000)
def test_a_page_request_that_waited_too_long_gets_the_queue_page():
    # No django_db mark: a query here would raise.
    response = _middleware()(RequestFactory().get("/learn/", **_waited(3)))
    assert response.status_code == 503
    assert 5 <= int(response["Retry-After"]) < 10
    body = response.content.decode()
    assert f'<meta http-equiv="refresh" content="{response["Retry-After"]}">' in body
    assert f"in {response['Retry-After']} seconds" in body


@override_settings(VIGIL_ADMISSION_MAX_QUEUE_MS=1000)
def test_an_api_request_that_waited_too_long_gets_the_error_shape_with_retry_after():
    response = _middleware()(RequestFactory().get("/api/v1/my/courses/", **_waited(3)))
    data = json.loads(response.content)
    assert response.status_code == 503 and data["retry_after"] == int(response["Retry-After"])
    assert "queue" in data["message"] and data["errors"] == {}


@override_settings(VIGIL_ADMISSION_MAX_QUEUE_MS=1000)
@pytest.mark.parametrize("path", ["/api/v1/attempts/12/items/3/response/", "/learn/attempts/12/items/3/answer/"])
def test_an_answer_within_an_attempt_is_never_turned_away(path):
    response = _middleware()(RequestFactory().post(path, **_waited(30)))
    assert response.status_code == 200 and response.content == b"served"


@override_settings(VIGIL_ADMISSION_MAX_QUEUE_MS=1000)
def test_a_request_that_waited_less_than_the_limit_is_served():
    assert _middleware()(RequestFactory().get("/learn/", **_waited(0.2))).status_code == 200


def test_without_a_limit_even_a_long_wait_is_served():
    assert _middleware()(RequestFactory().get("/learn/", **_waited(60))).status_code == 200


@override_settings(VIGIL_ADMISSION_MAX_CONCURRENT=1)
def test_beyond_the_concurrent_requests_of_a_process_the_next_one_is_queued_then_served_once_a_slot_frees():
    entered, leave = threading.Event(), threading.Event()

    def slow(request):
        entered.set()
        leave.wait(10)
        return HttpResponse("served")

    middleware = _middleware(slow)
    first = threading.Thread(target=middleware, args=(RequestFactory().get("/learn/"),))
    first.start()
    assert entered.wait(10)
    try:
        refused = middleware(RequestFactory().get("/accounts/login/"))
        assert refused.status_code == 503 and refused["Retry-After"]
    finally:
        leave.set()
        first.join(10)
    assert middleware(RequestFactory().get("/accounts/login/")).status_code == 200


@override_settings(VIGIL_ADMISSION_MAX_QUEUE_MS=1000)
def test_the_queue_page_speaks_the_language_the_browser_asks_for():
    response = _middleware()(RequestFactory().get("/learn/", HTTP_ACCEPT_LANGUAGE="fr", **_waited(3)))
    assert '<html lang="fr">' in response.content.decode()


@pytest.mark.django_db
@override_settings(VIGIL_ADMISSION_MAX_QUEUE_MS=1000)
def test_the_site_answers_queue_before_sessions_with_its_security_headers(client, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = client.get("/accounts/login/", HTTP_X_REQUEST_START=f"t={time.time() - 5:.3f}")
    assert response.status_code == 503 and "Set-Cookie" not in response.headers
    assert "default-src 'self'" in response["Content-Security-Policy"] and response["X-Content-Type-Options"] == "nosniff"
