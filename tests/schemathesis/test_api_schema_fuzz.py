"""Schemathesis against the OpenAPI schema (/api/schema/), in-process through the WSGI app on the
test database: every operation, with generated parameters and bodies, sent with a token of each
role (``Authorization: Token …``), once as generated and once with the path parameters naming
real rows of school A (``tests/security/world.py``), so the requests reach past the 404.

Each answer must: not be a server error (``not_a_server_error``), have a status the schema
documents (``status_code_conformance``), match the schema's body for it
(``response_schema_conformance``), and hold no marker the role may not see (the permission
matrix's ``forbidden_markers``: another school's, the other trainee's, an unreleased key or the
withheld AI output), whatever the generated parameters (``?course=`` of the other school…).
Bounded and reproducible: ``MAX_EXAMPLES`` per operation, a derandomized search, no example
database; each request runs in a transaction rolled back after it, so the world stays as built.
"""
from __future__ import annotations

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections, transaction
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis.errors import Unsatisfiable
from rest_framework.authtoken.models import Token
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance, status_code_conformance

from tests.security.world import build_school, forbidden_markers

MAX_EXAMPLES = 6
CHECKS = [not_a_server_error, status_code_conformance, response_schema_conformance]
# Operations not generated, each with its reason (none: every operation is checked).
EXCLUDED: dict[str, str] = {}


@pytest.fixture
def wsgi_app(db):
    """The WSGI app, kept on the test's connection: Django closes a connection that is not in
    autocommit at each request's start and end (``close_old_connections``), as its test client
    also prevents."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield get_wsgi_application()
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def world(db, settings, tmp_path):
    """The two schools, a token of each role, what each role must not see, and school A's rows
    by the name of the path parameter that names them."""
    settings.MEDIA_ROOT = str(tmp_path / "media")
    a, b = build_school("A"), build_school("B")
    people = {"trainee": a.trainee1, "other_trainee": a.trainee2, "faculty": a.faculty,
              "other_school_faculty": b.faculty, "reviewer": a.reviewer, "admin": a.admin,
              "other_school_reviewer": b.reviewer, "other_school_admin": b.admin}
    tokens = {"anonymous": None} | {role: Token.objects.create(user=user).key for role, user in people.items()}
    forbidden = {role: forbidden_markers(role, a, b) for role in tokens}
    case = a.items["single"].case
    ids = {
        "module_id": a.module.pk, "case_id": case.pk, "attempt_id": a.attempt1.pk, "item_id": a.items["decide"].pk,
        "response_id": a.free_text_response.pk, "cohort_id": a.cohort.pk, "job_id": a.export_job.pk,
        "code": a.attestation.code, "attestation_id": a.attestation.pk, "number": 1, "tool_id": a.tool.pk,
        "school_slug": a.school.slug,
    }
    slugs = {"/api/v1/schools/{slug}/audit-events/": a.school.slug,
             **{f"/api/v1/schools/{{slug}}/tools/{tail}": a.school.slug
                for tail in ("", "coverage/", "export/", "import/", "import/preview/", "{tool_id}/",
                             "{tool_id}/retire/", "{tool_id}/model-card/")}}
    return {"tokens": tokens, "forbidden": forbidden, "ids": ids, "slugs": slugs, "course_slug": a.course.slug}


class _RolledBack(Exception):
    pass


def _real(case, world) -> dict:
    """The case's path parameters, naming school A's rows."""
    params = dict(case.path_parameters)
    for name in params:
        if name == "slug":
            params[name] = world["slugs"].get(case.path, world["course_slug"])
        elif name in world["ids"]:
            params[name] = world["ids"][name]
    return params


def _send(case, token, forbidden: list[str]) -> None:
    headers = {"Authorization": f"Token {token}"} if token else {}
    try:
        with transaction.atomic():
            response = case.call(headers=headers)
            case.validate_response(response, checks=CHECKS, headers=headers)
            body = response.content.decode("utf-8", "replace")  # a PDF or a zip too
            leaked = [m for m in forbidden if m in body]
            assert not leaked, f"{case.method} {case.formatted_path} {case.query}: {leaked}"
            raise _RolledBack
    except _RolledBack:
        pass


def test_the_api_keeps_to_its_schema_for_every_role(world, wsgi_app):
    """Every operation, in both generation modes, as every role; every failure is listed."""
    schema = schemathesis.openapi.from_wsgi("/api/schema/", wsgi_app)
    failures, count, operations = [], 0, 0
    for result in schema.get_all_operations():
        operation = result.ok()
        if operation.label in EXCLUDED:
            continue
        operations += 1
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):

            @settings(max_examples=MAX_EXAMPLES, derandomize=True, database=None, deadline=None,
                      suppress_health_check=list(HealthCheck), phases=[Phase.generate])
            @given(case=operation.as_strategy(generation_mode=mode))
            def run(case):
                nonlocal count
                generated = dict(case.path_parameters)
                for role, token in world["tokens"].items():
                    case.path_parameters = generated
                    _send(case, token, world["forbidden"][role])
                    count += 1
                    if generated:
                        case.path_parameters = _real(case, world)
                        _send(case, token, world["forbidden"][role])
                        count += 1
                case.path_parameters = generated

            try:
                run()
            except Unsatisfiable:  # nothing to make invalid (no parameters, or any string will do)
                continue
            except (Exception, BaseExceptionGroup) as exc:  # noqa: BLE001 - each operation's failure is listed
                failures.append(f"{operation.label} ({mode.value}): {str(exc)[:1500]}")
    print(f"schemathesis: {operations} operations, {count} requests checked, {len(failures)} failing")
    assert not failures, "\n\n".join(failures)
