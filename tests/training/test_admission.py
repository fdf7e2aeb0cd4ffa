"""Admission control (training/admission.py): a saturated web answers "queue" at once, with
Retry-After and without touching the database; a trainee within an attempt always goes on."""
import json
import threading
import time

import pytest
from django.conf import settings
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.templatetags.static import static
from django.test import Client, RequestFactory, override_settings
from django.urls import get_resolver, reverse
from hypothesis import given
from hypothesis import strategies as st

from quizzes.models import Attempt
from tests.factories import AttemptFactory, CaseFactory, ItemFactory, UserFactory, assigned_module
from training.admission import (ATTEMPT_COOKIE, ATTEMPT_COOKIE_SALT, ATTEMPT_URL_NAMES, AdmissionMiddleware,
                                queued_ms, retry_after)

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
    assert f'<noscript><meta http-equiv="refresh" content="{response["Retry-After"]}"></noscript>' in body
    assert '<a class="button" href="/learn/" data-reload>Try again now</a>' in body
    assert f"in {response['Retry-After']} seconds" in body
    assert f"Seconds left: <strong data-countdown>{response['Retry-After']}</strong>" in body
    assert "<form" not in body


@override_settings(VIGIL_ADMISSION_MAX_QUEUE_MS=1000)
@pytest.mark.parametrize(("path", "link"), [("//evil.example/x", "/evil.example/x?y=1"),
                                           ("/\\evil.example/x", "/%5Cevil.example/x?y=1")])
def test_the_queue_page_tries_again_only_on_this_site(path, link):
    request = RequestFactory().get("/", {"y": "1"}, **_waited(3))
    request.path = request.path_info = path
    body = _middleware()(request).content.decode()
    assert f'href="{link}" data-reload' in body and "//evil" not in body


@override_settings(VIGIL_ADMISSION_MAX_QUEUE_MS=1000)
def test_an_api_request_that_waited_too_long_gets_the_error_shape_with_retry_after():
    response = _middleware()(RequestFactory().get("/api/v1/my/courses/", **_waited(3)))
    data = json.loads(response.content)
    assert response.status_code == 503 and data["retry_after"] == int(response["Retry-After"])
    assert "queue" in data["message"] and data["errors"] == {}
    assert f"send the same request again in {data['retry_after']} seconds" in data["message"]


ATTEMPT_URLS = {  # every URL a started attempt uses, by name (ATTEMPT_URL_NAMES), filled
    "trainee-case": ("get", [7]), "trainee-answer": ("post", [12, 3]), "trainee-unaided": ("post", [12, 3]),
    "trainee-feedback": ("get", [5]), "trainee-attempt-submit": ("post", [12]),
    "case-detail": ("get", [7]), "attempt-detail": ("get", [12]), "attempt-submit": ("post", [12]),
    "answer-unaided": ("post", [12, 3]), "ai-output": ("get", [12, 3]), "response-submit": ("post", [12, 3]),
    "response-detail": ("get", [5]),
}


def test_every_url_name_given_priority_is_filled_below():
    assert set(ATTEMPT_URLS) | {"media"} == ATTEMPT_URL_NAMES


def _routes(resolver, prefix=""):
    for pattern in resolver.url_patterns:
        if hasattr(pattern, "url_patterns"):
            yield from _routes(pattern, prefix + str(pattern.pattern))
        else:
            yield prefix + str(pattern.pattern), pattern.name


def test_every_url_of_an_attempt_or_of_a_response_of_it_has_priority():
    # A new URL under an attempt or a response (a heartbeat, an autosave) cannot be forgotten.
    within = {name for route, name in _routes(get_resolver())
              if "attempts/<int:attempt_id>/" in route or "responses/<int:response_id>/" in route}
    assert within and within - {"review-confirm", "grading-response"} <= ATTEMPT_URL_NAMES


@override_settings(VIGIL_ADMISSION_MAX_QUEUE_MS=1000)
@pytest.mark.parametrize("name", sorted(ATTEMPT_URLS))
def test_a_request_of_a_started_attempt_is_never_turned_away(name):
    method, args = ATTEMPT_URLS[name]
    request = getattr(RequestFactory(), method)(reverse(name, args=args), **_waited(30))
    response = _middleware()(request)
    assert response.status_code == 200 and response.content == b"served"


urlpatterns = [*get_resolver("training.urls").url_patterns]  # with the media URL a bucket or DEBUG adds


@override_settings(VIGIL_ADMISSION_MAX_QUEUE_MS=1000, ROOT_URLCONF=__name__)
def test_the_media_a_case_shows_are_never_turned_away():
    from django.urls import re_path

    from training.media import serve_media
    urlpatterns.append(re_path(r"^media/(?P<path>.*)$", serve_media, name="media"))
    try:
        response = _middleware()(RequestFactory().get("/media/versions/3/ecg.png", **_waited(30)))
    finally:
        urlpatterns.pop()
    assert response.status_code == 200


@override_settings(VIGIL_ADMISSION_MAX_QUEUE_MS=1000)
def test_the_static_files_are_never_turned_away():
    response = _middleware()(RequestFactory().get(static("vigil/queue.js"), **_waited(30)))
    assert response.status_code == 200


def _with_attempt_cookie(request):
    response = HttpResponse()
    response.set_signed_cookie(ATTEMPT_COOKIE, "1", salt=ATTEMPT_COOKIE_SALT)
    request.COOKIES[ATTEMPT_COOKIE] = response.cookies[ATTEMPT_COOKIE].value
    return request


@override_settings(VIGIL_ADMISSION_MAX_QUEUE_MS=1000)
def test_the_module_page_goes_through_for_a_browser_in_an_attempt():
    request = _with_attempt_cookie(RequestFactory().get(reverse("trainee-module", args=[4]), **_waited(30)))
    assert _middleware()(request).status_code == 200


@override_settings(VIGIL_ADMISSION_MAX_QUEUE_MS=1000)
def test_the_module_page_of_an_arrival_is_queued():
    request = RequestFactory().get(reverse("trainee-module", args=[4]), **_waited(30))
    assert _middleware()(request).status_code == 503


@override_settings(VIGIL_ADMISSION_MAX_QUEUE_MS=1000)
def test_a_forged_attempt_cookie_does_not_let_the_module_page_through():
    request = RequestFactory().get(reverse("trainee-module", args=[4]), **_waited(30))
    request.COOKIES[ATTEMPT_COOKIE] = "1:forged:signature"
    assert _middleware()(request).status_code == 503


@pytest.mark.django_db
@override_settings(VIGIL_ADMISSION_MAX_QUEUE_MS=1000)
def test_starting_an_attempt_marks_the_browser_in_an_attempt(client):
    trainee = UserFactory()
    module = assigned_module(trainee)
    ItemFactory(case=CaseFactory(module=module))
    client.force_login(trainee)
    response = client.post(reverse("trainee-attempt-start", args=[module.pk]))
    assert response.status_code == 302 and Attempt.objects.filter(trainee=trainee, module=module).exists()
    assert client.cookies[ATTEMPT_COOKIE]["httponly"]
    waited = client.get(reverse("trainee-module", args=[module.pk]), HTTP_X_REQUEST_START=f"t={time.time() - 5:.3f}")
    assert waited.status_code == 200


@pytest.mark.django_db
@override_settings(VIGIL_ADMISSION_MAX_QUEUE_MS=1000)
def test_the_case_page_of_an_open_attempt_marks_the_browser_in_an_attempt(client):
    trainee = UserFactory()
    module = assigned_module(trainee)
    case = CaseFactory(module=module)
    ItemFactory(case=case)
    AttemptFactory(trainee=trainee, module=module)
    client.force_login(trainee)
    assert client.get(reverse("trainee-case", args=[case.pk])).status_code == 200
    assert ATTEMPT_COOKIE in client.cookies


@pytest.mark.django_db
def test_without_admission_control_no_attempt_cookie_is_set(client):
    trainee = UserFactory()
    module = assigned_module(trainee)
    ItemFactory(case=CaseFactory(module=module))
    client.force_login(trainee)
    client.post(reverse("trainee-attempt-start", args=[module.pk]))
    assert ATTEMPT_COOKIE not in client.cookies


def _with_form_token(request, *, header: bool = False):
    """The CSRF cookie a page of ours set, and the token its form carried."""
    cookie_request = RequestFactory().get("/")
    token = get_token(cookie_request)
    request.COOKIES[settings.CSRF_COOKIE_NAME] = cookie_request.META["CSRF_COOKIE"]
    if header:
        request.META[settings.CSRF_HEADER_NAME] = token
    else:
        request.POST = request.POST.copy()
        request.POST["csrfmiddlewaretoken"] = token
    return request


SIGN_IN = {"username": "ada", "password": "correct horse battery staple"}


@override_settings(VIGIL_ADMISSION_MAX_QUEUE_MS=1000)
def test_the_sign_in_post_of_a_form_we_served_goes_through():
    request = _with_form_token(RequestFactory().post("/accounts/login/", SIGN_IN, **_waited(30)))
    assert _middleware()(request).content == b"served"


@override_settings(VIGIL_ADMISSION_MAX_QUEUE_MS=1000)
def test_the_start_attempt_post_of_a_form_we_served_goes_through():
    request = _with_form_token(RequestFactory().post(reverse("trainee-attempt-start", args=[4]), **_waited(30)))
    assert _middleware()(request).content == b"served"


@override_settings(VIGIL_ADMISSION_MAX_QUEUE_MS=1000)
def test_an_api_post_with_the_csrf_header_of_a_page_we_served_goes_through():
    request = RequestFactory().post(reverse("attempt-start", args=[4]), {}, content_type="application/json", **_waited(30))
    assert _middleware()(_with_form_token(request, header=True)).content == b"served"


@override_settings(VIGIL_ADMISSION_MAX_QUEUE_MS=1000)
def test_an_api_post_without_a_csrf_token_gets_the_error_shape_to_send_again():
    request = RequestFactory().post(reverse("attempt-start", args=[4]), {}, content_type="application/json",
                                    HTTP_AUTHORIZATION="Token abc", **_waited(30))
    response = _middleware()(request)
    assert response.status_code == 503 and json.loads(response.content)["retry_after"] == int(response["Retry-After"])


@override_settings(VIGIL_ADMISSION_MAX_QUEUE_MS=1000)
def test_a_post_whose_token_does_not_match_its_cookie_is_queued():
    request = _with_form_token(RequestFactory().post("/accounts/login/", SIGN_IN, **_waited(30)))
    request.COOKIES[settings.CSRF_COOKIE_NAME] = "x" * 32
    assert _middleware()(request).status_code == 503


@override_settings(VIGIL_ADMISSION_MAX_QUEUE_MS=1000)
def test_a_queued_post_without_our_token_is_not_turned_into_a_get_nor_its_password_put_in_the_page():
    response = _middleware()(RequestFactory().post("/accounts/login/", SIGN_IN, **_waited(30)))
    body = response.content.decode()
    assert response.status_code == 503 and 'http-equiv="refresh"' not in body and "<form" not in body
    assert SIGN_IN["password"] not in body and "go back, reload the form and send it again" in body


LAUNCH = {"id_token": "eyJhbGciOi.a-launch.sig", "state": "state-1", "roles": ["Learner", "Member"]}


@override_settings(VIGIL_ADMISSION_MAX_QUEUE_MS=1000)
def test_a_queued_launch_from_the_lms_is_posted_again_with_the_same_fields_after_the_wait():
    response = _middleware()(RequestFactory().post(reverse("lti-launch"), LAUNCH, **_waited(30)))
    body = response.content.decode()
    assert response.status_code == 503 and 'http-equiv="refresh"' not in body
    assert f'<form method="post" action="{reverse("lti-launch")}" data-resend>' in body
    for name, value in [("id_token", LAUNCH["id_token"]), ("state", "state-1"), ("roles", "Learner"), ("roles", "Member")]:
        assert f'<input type="hidden" name="{name}" value="{value}">' in body
    assert 'src="/static/vigil/queue.js"' in body


@override_settings(VIGIL_ADMISSION_MAX_QUEUE_MS=1000)
def test_a_queued_post_to_an_exempt_view_with_a_password_field_is_not_put_in_the_page():
    response = _middleware()(RequestFactory().post(reverse("lti-launch"), {"password": "secret-1"}, **_waited(30)))
    body = response.content.decode()
    assert response.status_code == 503 and "secret-1" not in body and "<form" not in body


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


@pytest.mark.django_db
@override_settings(VIGIL_ADMISSION_MAX_QUEUE_MS=1000)
def test_a_queued_post_costs_no_query_either(client, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = client.post(reverse("lti-launch"), LAUNCH, HTTP_X_REQUEST_START=f"t={time.time() - 5:.3f}")
    assert response.status_code == 503 and "Set-Cookie" not in response.headers


def _old_stamp() -> dict:
    return {"HTTP_X_REQUEST_START": f"t={time.time() - 5:.3f}"}


@pytest.mark.django_db
@override_settings(VIGIL_ADMISSION_MAX_QUEUE_MS=1000)
def test_a_person_who_got_the_sign_in_form_is_signed_in_although_the_site_is_saturated():
    user = UserFactory(username="claire")
    client = Client(enforce_csrf_checks=True)
    form = client.get("/accounts/login/")  # admitted: the site was not saturated yet
    token = form.context["csrf_token"]
    response = client.post("/accounts/login/", {"username": user.username, "password": "pw-for-tests-1",
                                                "csrfmiddlewaretoken": token}, **_old_stamp())
    assert response.status_code == 302 and client.session["_auth_user_id"] == str(user.pk)


@pytest.mark.django_db
@override_settings(VIGIL_ADMISSION_MAX_QUEUE_MS=1000)
def test_an_api_start_from_a_page_we_served_goes_through_although_the_site_is_saturated():
    trainee = UserFactory()
    module = assigned_module(trainee)
    ItemFactory(case=CaseFactory(module=module))
    client = Client(enforce_csrf_checks=True)
    client.force_login(trainee)
    client.get("/")  # a page of ours: the CSRF cookie
    response = client.post(reverse("attempt-start", args=[module.pk]), {}, content_type="application/json",
                           HTTP_X_CSRFTOKEN=client.cookies[settings.CSRF_COOKIE_NAME].value, **_old_stamp())
    assert response.status_code == 201 and Attempt.objects.filter(trainee=trainee, module=module).exists()
