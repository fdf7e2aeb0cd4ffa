"""Every URL of Vigil, as every kind of person: generated from Django's URL resolver, so the next
URL cannot forget who may see it.

Each URL pattern (pages and API) is filled with the objects of school A (``world.py``), then
with those of school B, and requested by the nine people of ``ROLES``: GET, or POST with an
empty body where the view answers GET with 405 (status only: each request runs in a transaction
rolled back after it, so nothing a request writes reaches the next). For each pattern
``EXPECTED`` says, from the rules (``docs/design.md``, "Roles and what each may see";
``schools/rules.py``), the status each person gets; a pattern without an entry, or an entry
without a pattern, fails ``test_every_url_pattern_has_an_entry``. The body of every answer must
hold no marker the person may not see: the other school's, the other trainee's, a key,
rationale or ground truth not yet released, or the decide-first AI output before the unaided
answer is stored.

Statuses in ``EXPECTED``: 404 is the rules' refusal (nothing confirms that a row exists); 302
sends someone not signed in to the sign-in page; 403 is the API's answer to a request without
credentials (DRF's ``IsAuthenticated``) and Django's to a studio page for someone who is not an
author at all; 400, 405 and 409 are an allowed person's empty or repeated request.
"""
from __future__ import annotations

import copy
import os
import re

import pytest
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from tests.security.world import SchoolWorld, build_school, forbidden_markers

pytestmark = pytest.mark.django_db

# The nine people, in the order of the columns of EXPECTED, named after the school that owns the
# objects of the URL (A, then B: every URL is requested filled with each school's objects):
# "trainee" is the trainee whose attempt, answers and attestation they are, "other_trainee"
# another trainee of the same cohort; "faculty" owns the course and teaches the cohort;
# "reviewer" and "admin" are of that school, the "other_school_" ones of the other.
ROLES = ("anonymous", "trainee", "other_trainee", "faculty", "other_school_faculty",
         "reviewer", "admin", "other_school_reviewer", "other_school_admin")

# Route prefixes not requested, each with its reason.
SKIPPED = {
    "admin/": "the Django admin: its own gate (is_staff, model permissions), audited by AuditedReadAdmin "
              "and tested in tests/*/test_admin.py",
    "^media/": "public course media, served by Django with DEBUG or from an S3 bucket (the web server otherwise); "
               "tests/training/test_media.py, test_s3_storage.py",
    "api/schema/": "the OpenAPI schema: public description of the API, no data (tests/schemathesis)",
    "api/docs/": "Swagger UI over the schema: no data",
}


def url_patterns(patterns=None, prefix: str = ""):
    """Every (route, pattern) of the resolver, depth first, in resolution order."""
    for p in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(p, URLResolver):
            yield from url_patterns(p.url_patterns, prefix + str(p.pattern))
        elif isinstance(p, URLPattern):
            yield prefix + str(p.pattern), p


def routes() -> list[str]:
    """The routes to check: all but SKIPPED, each once (``accounts/password_reset/`` is ours and
    Django's; the first one answers)."""
    seen: list[str] = []
    for route, _p in url_patterns():
        if not any(route.startswith(s) for s in SKIPPED) and route not in seen:
            seen.append(route)
    return seen


def practice_report(w: SchoolWorld):
    """The school's practice report, written the first time it is asked for (its text holds the
    school's marker, so another school's answer that shows it is a leak)."""
    from observatory.models import PracticeReport
    from tests.factories import PracticeReportFactory
    return (PracticeReport.objects.filter(school=w.school).first()
            or PracticeReportFactory(school=w.school, reporter=w.trainee1, what_was_wrong=w.markers["school"][0]))


def lti_platform(w: SchoolWorld):
    """The school's LMS registration, made the first time it is asked for (its name is the
    school's marker: another school's page that shows it is a leak)."""
    from lti.models import Platform
    from lti.services import platform_register

    return Platform.objects.filter(school=w.school).first() or platform_register(
        school=w.school, actor=None, name=w.markers["school"][0], issuer=f"https://lms-{w.tag.lower()}.test",
        client_id="vigil", auth_login_url="https://lms.test/auth", auth_token_url="https://lms.test/token",
        keyset_url="https://lms.test/jwks", deployment_ids=["1"])


# What fills each parameter of a route: by route when the same name means different rows.
def kwargs_for(route: str, w: SchoolWorld) -> dict:
    case = w.items["single"].case
    by_name = {
        "module_id": w.module.pk, "module_pk": w.module.pk, "case_id": case.pk, "case_pk": case.pk,
        "attempt_id": w.attempt1.pk, "item_id": w.items["decide"].pk, "response_id": w.free_text_response.pk,
        "cohort_id": w.cohort.pk, "job_id": w.export_job.pk, "code": w.attestation.code,
        "attestation_id": w.attestation.pk, "slug": w.course.slug, "school_slug": w.school.slug, "number": 1,
        "trainee_id": w.trainee1.pk, "member_id": w.trainee1.pk, "tool_id": w.tool.pk, "fmt": "csv", "kind": "item", "uidb64": "MQ", "token": "set-password",
        "platform_uuid": lti_platform(w).uuid,
        "trainee_id": w.trainee1.pk, "member_id": w.trainee1.pk, "report_id": practice_report(w).pk, "fmt": "csv", "kind": "item", "uidb64": "MQ", "token": "set-password",
    }
    pk = {  # ``pk`` names a different row on each studio page
        "studio/modules/<int:pk>/": w.module.pk, "studio/lessons/<int:pk>/": w.module.lessons.get().pk,
        "studio/cases/<int:pk>/": case.pk, "studio/cases/<int:pk>/preview/": case.pk,
        "studio/artifacts/<int:pk>/": w.decide_first_artifact.pk,
        "studio/items/<int:pk>/": w.items["decide"].pk, "studio/items/<int:pk>/key-fix/": w.items["decide"].pk,
        "studio/items/<int:pk>/regrade/": w.items["decide"].pk, "studio/key-fixes/<int:pk>/": w.key_fix.pk,
        "studio/artifacts/<int:pk>/truth-fix/": w.decide_first_artifact.pk,
        "studio/truth-fixes/<int:pk>/": w.truth_fix.pk,
        "studio/<str:kind>/<int:pk>/move/": w.items["sibling"].pk,
        "studio/<str:kind>/<int:pk>/delete/": w.items["sibling"].pk,
        **{f"studio/regrade/<int:pk>/{tail}": w.regrade_job.pk
           for tail in ("", "status/", "start/", "cancel/", "resume/")},
        "studio/imports/<int:pk>/": w.import_job.pk, "studio/imports/<int:pk>/status/": w.import_job.pk,
    }
    overrides = {
        "api/v1/schools/<slug:slug>/audit-events/": {"slug": w.school.slug},
        **{f"api/v1/schools/<slug:slug>/tools/{tail}": {"slug": w.school.slug}
           for tail in ("", "coverage/", "export/", "import/", "import/preview/", "<int:tool_id>/",
                        "<int:tool_id>/retire/", "<int:tool_id>/model-card/")},
        "studio/grading/items/<int:item_id>/": {"item_id": w.items["free"].pk},
        "api/v1/authoring/imports/<int:job_id>/": {"job_id": w.import_job.pk},
        "privacy/my-data/<int:export_id>/download/": {"export_id": w.own_data_export.pk},
        "school/<slug:school_slug>/privacy/exports/<int:export_id>/download/": {"export_id": w.school_data_export.pk},
    }
    values = dict(by_name, **overrides.get(route, {}))
    if route in pk:
        values["pk"] = pk[route]
    return values


def build(route: str, w: SchoolWorld) -> str:
    """The URL of ``route`` with its parameters (``<int:pk>``, ``<uidb64>``) filled from ``w``."""
    values = kwargs_for(route, w)

    def fill(match) -> str:
        name = match.group(1)
        assert name in values, f"{route}: say in kwargs_for which row fills <{name}>"
        return str(values[name])

    return "/" + re.sub(r"<(?:\w+:)?(\w+)>", fill, route)


# ---------------------------------------------------------------- the expected statuses
# Columns: anonymous, trainee, other_trainee, faculty (owner, teaches), other_school_faculty,
# reviewer, admin, other_school_reviewer, other_school_admin.
EXPECTED: dict[str, str] = {
    # The trainee's pages: the course is taken by the trainees of a cohort it is assigned to
    # (quizzes.take_course); an attempt, its answers and their feedback are the trainee's own.
    # Staff preview in the studio, never here.
    "": "200 200 200 200 200 200 200 200 200",
    "learn/modules/<int:module_id>/": "302 200 200 404 404 404 404 404 404",
    "learn/modules/<int:module_id>/start/": "302 302 302 404 404 404 404 404 404",
    # (200 for the trainee: their attempt has questions unanswered, so the page asks to confirm)
    "learn/attempts/<int:attempt_id>/submit/": "302 200 404 404 404 404 404 404 404",
    "learn/cases/<int:case_id>/": "302 200 200 404 404 404 404 404 404",
    "learn/attempts/<int:attempt_id>/items/<int:item_id>/unaided/": "302 400 404 404 404 404 404 404 404",
    "learn/attempts/<int:attempt_id>/items/<int:item_id>/answer/": "302 400 404 404 404 404 404 404 404",
    "learn/responses/<int:response_id>/feedback/": "302 200 404 404 404 404 404 404 404",
    "learn/me/reliance/": "302 200 200 200 200 200 200 200 200",
    # Sign-in pages: open to anyone; signing out is a POST.
    "api-auth/login/": "200 200 200 200 200 200 200 200 200",
    "api-auth/logout/": "302 302 302 302 302 302 302 302 302",
    "accounts/password_reset/": "200 200 200 200 200 200 200 200 200",
    "accounts/login/": "200 200 200 200 200 200 200 200 200",
    "accounts/logout/": "302 302 302 302 302 302 302 302 302",
    "accounts/password_change/": "302 200 200 200 200 200 200 200 200",
    "accounts/password_change/done/": "302 200 200 200 200 200 200 200 200",
    "accounts/password_reset/done/": "200 200 200 200 200 200 200 200 200",
    "accounts/reset/<uidb64>/<token>/": "200 200 200 200 200 200 200 200 200",
    "accounts/reset/done/": "200 200 200 200 200 200 200 200 200",
    # The trainee's API (README's API table): the same rules as the pages. Lists and "me" endpoints
    # answer everyone signed in with their own rows (empty when they have none).
    "api/v1/me/courses/": "403 200 200 200 200 200 200 200 200",
    "api/v1/me/reliance/": "403 200 200 200 200 200 200 200 200",
    "api/v1/modules/<int:module_id>/": "403 200 200 404 404 404 404 404 404",
    "api/v1/modules/<int:module_id>/attempts/": "403 201 201 404 404 404 404 404 404",
    "api/v1/cases/<int:case_id>/": "403 200 200 404 404 404 404 404 404",
    "api/v1/attempts/<int:attempt_id>/": "403 200 404 404 404 404 404 404 404",
    "api/v1/attempts/<int:attempt_id>/submit/": "403 200 404 404 404 404 404 404 404",
    "api/v1/attempts/<int:attempt_id>/items/<int:item_id>/unaided/": "403 400 404 404 404 404 404 404 404",
    "api/v1/attempts/<int:attempt_id>/items/<int:item_id>/ai-output/": "403 409 404 404 404 404 404 404 404",
    "api/v1/attempts/<int:attempt_id>/items/<int:item_id>/response/": "403 400 404 404 404 404 404 404 404",
    "api/v1/responses/<int:response_id>/": "403 200 404 404 404 404 404 404 404",
    # Grading: the queue lists the answers the person may grade (gradable_responses: empty for
    # those who grade none); confirming is for the course's authors and the cohort's teachers
    # (quizzes.grade_response): 404 for everyone else, school admins included.
    "api/v1/review/queue/": "403 200 200 200 200 200 200 200 200",
    "api/v1/review/responses/<int:response_id>/": "403 404 404 400 404 404 404 404 404",
    # Cohorts: figures for the cohort's staff (cohorts.view_cohort: reviewers and admins of its
    # school, faculty teaching it); enrolment and assignment for its admins; the training record
    # for reviewers and admins (cohorts.manage_records: 403 to the teaching faculty, who know the
    # cohort); an export job for its requester (reviewer A) and the school's admins.
    "api/v1/cohorts/": "403 200 200 200 200 200 200 200 200",
    "api/v1/cohorts/<int:cohort_id>/enrollments/": "403 404 404 404 404 404 400 404 404",
    "api/v1/cohorts/<int:cohort_id>/assignments/": "403 404 404 404 404 404 400 404 404",
    "api/v1/cohorts/<int:cohort_id>/progress/": "403 404 404 200 404 200 200 404 404",
    "api/v1/cohorts/<int:cohort_id>/reliance/": "403 404 404 200 404 200 200 404 404",
    "api/v1/cohorts/<int:cohort_id>/trends/": "403 404 404 200 404 200 200 404 404",
    "api/v1/cohorts/<int:cohort_id>/dashboard/": "403 404 404 200 404 200 200 404 404",
    "api/v1/cohorts/<int:cohort_id>/exports/": "403 404 404 200 404 200 200 404 404",
    "api/v1/cohorts/<int:cohort_id>/attestations/": "403 404 404 200 404 200 200 404 404",
    "api/v1/cohorts/<int:cohort_id>/training-record/": "403 404 404 403 404 200 200 404 404",
    "api/v1/exports/<int:job_id>/": "403 404 404 404 404 200 200 404 404",
    "api/v1/exports/<int:job_id>/file/": "403 404 404 404 404 200 200 404 404",
    # Attestations: the public check for anyone; the PDF for its holder and the cohort's staff;
    # revoking for the school's admins (403 to those who may see it, 404 to the rest).
    "api/v1/attestations/verify/<str:code>/": "200 200 200 200 200 200 200 200 200",
    "api/v1/attestations/<int:attestation_id>/pdf/": "403 200 404 200 404 200 200 404 404",
    "api/v1/attestations/<int:attestation_id>/revoke/": "403 403 404 403 404 403 400 404 404",
    "api/v1/me/attestations/": "403 200 200 200 200 200 200 200 200",
    # The audit log: the school's admins only.
    "api/v1/schools/<slug:slug>/audit-events/": "403 404 404 404 404 404 200 404 404",
    # Authoring: the course's owner and co-authors (courses.edit_course); a school admin is no
    # author of a course for being so; importing a package for authors (faculty, admins).
    "api/v1/authoring/courses/": "403 200 200 200 200 200 200 200 200",
    "api/v1/authoring/courses/<slug:slug>/": "403 404 404 200 404 404 404 404 404",
    "api/v1/authoring/courses/<slug:slug>/drafts/": "403 404 404 201 404 404 404 404 404",
    "api/v1/authoring/courses/<slug:slug>/publish/": "403 404 404 409 404 404 404 404 404",
    "api/v1/authoring/courses/<slug:slug>/versions/<int:number>/withdraw/": "403 404 404 200 404 404 404 404 404",
    "api/v1/authoring/courses/<slug:slug>/package/": "403 404 404 200 404 404 404 404 404",
    "api/v1/authoring/packages/": "403 403 403 400 400 403 400 403 400",
    "api/v1/authoring/imports/<int:job_id>/": "403 404 404 200 404 404 404 404 404",
    # The language switch: anyone (a redirect).
    "i18n/setlang/": "302 302 302 302 302 302 302 302 302",
    # The studio: authors only (courses.author: faculty or admins; 403 to the rest, whatever the
    # row); a course's pages for its owner and co-authors (404 to other authors).
    "studio/": "302 403 403 200 200 403 200 403 200",
    "studio/courses/new/": "302 403 403 200 200 403 200 403 200",
    "studio/import/": "302 403 403 200 200 403 200 403 200",
    "studio/markdown/": "302 403 403 200 200 403 200 403 200",
    "studio/c/<slug:slug>/": "302 403 403 200 404 403 404 403 404",
    "studio/c/<slug:slug>/settings/": "302 403 403 302 404 403 404 403 404",
    "studio/c/<slug:slug>/draft/": "302 403 403 302 404 403 404 403 404",
    "studio/c/<slug:slug>/check/": "302 403 403 302 404 403 404 403 404",
    "studio/c/<slug:slug>/publish/": "302 403 403 302 404 403 404 403 404",
    "studio/c/<slug:slug>/versions/<int:number>/withdraw/": "302 403 403 302 404 403 404 403 404",
    "studio/c/<slug:slug>/versions/<int:number>/analysis/": "302 403 403 200 404 403 404 403 404",
    "studio/c/<slug:slug>/diff/": "302 403 403 200 404 403 404 403 404",
    "studio/c/<slug:slug>/export/": "302 403 403 200 404 403 404 403 404",
    "studio/c/<slug:slug>/coauthors/": "302 403 403 302 404 403 404 403 404",
    "studio/c/<slug:slug>/questions/": "302 403 403 302 404 403 404 403 404",
    "studio/c/<slug:slug>/questions/export/": "302 403 403 200 404 403 404 403 404",
    "studio/c/<slug:slug>/modules/new/": "302 403 403 302 404 403 404 403 404",
    "studio/modules/<int:pk>/": "302 403 403 200 404 403 404 403 404",
    "studio/modules/<int:module_pk>/lessons/new/": "302 403 403 302 404 403 404 403 404",
    "studio/modules/<int:module_pk>/cases/new/": "302 403 403 302 404 403 404 403 404",
    "studio/lessons/<int:pk>/": "302 403 403 200 404 403 404 403 404",
    "studio/cases/<int:pk>/": "302 403 403 200 404 403 404 403 404",
    "studio/cases/<int:pk>/preview/": "302 403 403 200 404 403 404 403 404",
    "studio/cases/<int:case_pk>/artifacts/new/": "302 403 403 302 404 403 404 403 404",
    "studio/cases/<int:case_pk>/items/new/": "302 403 403 302 404 403 404 403 404",
    "studio/artifacts/<int:pk>/": "302 403 403 200 404 403 404 403 404",
    "studio/items/<int:pk>/": "302 403 403 200 404 403 404 403 404",
    "studio/items/<int:pk>/key-fix/": "302 403 403 200 404 403 404 403 404",
    "studio/items/<int:pk>/regrade/": "302 403 403 302 404 403 404 403 404",
    "studio/key-fixes/<int:pk>/": "302 403 403 200 404 403 404 403 404",
    "studio/artifacts/<int:pk>/truth-fix/": "302 403 403 200 404 403 404 403 404",
    "studio/truth-fixes/<int:pk>/": "302 403 403 200 404 403 404 403 404",
    "studio/imports/<int:pk>/": "302 403 403 200 404 403 404 403 404",
    "studio/imports/<int:pk>/status/": "302 403 403 200 404 403 404 403 404",
    "studio/<str:kind>/<int:pk>/move/": "302 403 403 302 404 403 404 403 404",
    "studio/<str:kind>/<int:pk>/delete/": "302 403 403 302 404 403 404 403 404",
    "studio/regrade/<int:pk>/": "302 403 403 200 404 403 404 403 404",
    "studio/regrade/<int:pk>/status/": "302 403 403 200 404 403 404 403 404",
    "studio/regrade/<int:pk>/start/": "302 403 403 302 404 403 404 403 404",
    "studio/regrade/<int:pk>/cancel/": "302 403 403 302 404 403 404 403 404",
    "studio/regrade/<int:pk>/resume/": "302 403 403 302 404 403 404 403 404",
    # The grading pages: authors; the item's page lists the answers of it the person may mark and
    # redirects to the queue when there is none (the same for an item that does not exist); an
    # answer's page for those who may grade it.
    "studio/grading/": "302 403 403 200 200 403 200 403 200",
    "studio/grading/items/<int:item_id>/": "302 403 403 200 302 403 302 403 302",
    "studio/grading/responses/<int:response_id>/": "302 403 403 200 404 403 404 403 404",
    # The school's pages: as the cohort API above; switching cohort is a POST naming one (404
    # without it).
    "school/": "302 404 404 200 200 200 200 200 200",
    "school/switch/": "302 404 404 404 404 404 404 404 404",
    "school/cohorts/<int:cohort_id>/": "302 404 404 200 404 200 200 404 404",
    "school/cohorts/<int:cohort_id>/reliance/": "302 404 404 200 404 200 200 404 404",
    "school/cohorts/<int:cohort_id>/trends/": "302 404 404 200 404 200 200 404 404",
    "school/cohorts/<int:cohort_id>/trainees/<int:trainee_id>/": "302 404 404 200 404 200 200 404 404",
    "school/cohorts/<int:cohort_id>/exports/": "302 404 404 200 404 200 200 404 404",
    "school/exports/<int:job_id>/": "302 404 404 404 404 200 200 404 404",
    "school/exports/<int:job_id>/status/": "302 404 404 404 404 200 200 404 404",
    "school/exports/<int:job_id>/download/": "302 404 404 404 404 200 200 404 404",
    "school/cohorts/<int:cohort_id>/attestations/": "302 404 404 200 404 200 200 404 404",
    "school/cohorts/<int:cohort_id>/training-record.<str:fmt>": "302 404 404 404 404 200 200 404 404",
    "school/attestations/<int:attestation_id>.pdf": "302 200 404 200 404 200 200 404 404",
    # The audit log: the school's admins only.
    "school/<slug:school_slug>/audit/": "302 404 404 404 404 404 200 404 404",
    "school/<slug:school_slug>/audit.csv": "302 404 404 404 404 404 200 404 404",
    # The school administration pages: the school's admins only (an empty POST: 400 where a
    # field is required, 302 where none is: archive, change an assignment).
    "school/<slug:school_slug>/manage/": "302 404 404 404 404 404 200 404 404",
    "school/<slug:school_slug>/manage/cohorts/new/": "302 404 404 404 404 404 200 404 404",
    "school/<slug:school_slug>/manage/members/": "302 404 404 404 404 404 200 404 404",
    "school/<slug:school_slug>/manage/roster/": "302 404 404 404 404 404 200 404 404",
    "school/<slug:school_slug>/manage/members/invite/": "302 404 404 404 404 404 400 404 404",
    # An invitation link: public, the token is the key ("set-password" is none: a clear 404).
    "invitations/<str:token>/": "404 404 404 404 404 404 404 404 404",
    "school/<slug:school_slug>/manage/members/roles/": "302 404 404 404 404 404 400 404 404",
    "school/<slug:school_slug>/manage/members/account/": "302 404 404 404 404 404 400 404 404",
    "school/manage/cohorts/<int:cohort_id>/": "302 404 404 404 404 404 200 404 404",
    "school/manage/cohorts/<int:cohort_id>/archive/": "302 404 404 404 404 404 302 404 404",
    "school/manage/cohorts/<int:cohort_id>/assignments/": "302 404 404 404 404 404 400 404 404",
    "school/manage/cohorts/<int:cohort_id>/assignments/<slug:slug>/": "302 404 404 404 404 404 302 404 404",
    # Data protection: every member's notice and own data; a school's admins act for its members
    # (privacy.manage_personal_data); an archive is its member's (when they asked) and its admins'.
    # No school of the world has a notice: the notice page sends everyone on, the public one is 404.
    "privacy/notice/": "302 302 302 302 302 302 302 302 302",
    "privacy/schools/<slug:school_slug>/": "404 404 404 404 404 404 404 404 404",
    "privacy/my-data/": "302 200 200 200 200 200 200 200 200",
    "privacy/my-data/<int:export_id>/download/": "302 200 404 404 404 404 404 404 404",
    "school/<slug:school_slug>/privacy/": "302 404 404 404 404 404 200 404 404",
    "school/<slug:school_slug>/privacy/record-of-processing.csv": "302 404 404 404 404 404 200 404 404",
    "school/<slug:school_slug>/privacy/members/<int:member_id>/": "302 404 404 404 404 404 200 404 404",
    "school/<slug:school_slug>/privacy/members/<int:member_id>/export/": "302 404 404 404 404 404 302 404 404",
    "school/<slug:school_slug>/privacy/members/<int:member_id>/erase/": "302 404 404 404 404 404 400 404 404",
    "school/<slug:school_slug>/privacy/exports/<int:export_id>/download/": "302 404 404 404 404 404 200 404 404",
    # Single sign-on (sso/), public: which school, each school's SP metadata and sign-on start
    # (404: the schools here have no identity provider), the ACS (400: no SAMLResponse) and the
    # single-logout answer (400: no SAML message); the single logout start sends a person with
    # no sign-on of the school home (302).
    "sso/": "200 200 200 200 200 200 200 200 200",
    "sso/<slug:school_slug>/login/": "404 404 404 404 404 404 404 404 404",
    "sso/<slug:school_slug>/acs/": "400 400 400 400 400 400 400 400 400",
    "sso/<slug:school_slug>/metadata/": "200 200 200 200 200 200 200 200 200",
    "sso/<slug:school_slug>/logout/": "302 302 302 302 302 302 302 302 302",
    "sso/<slug:school_slug>/ls/": "400 400 400 400 400 400 400 400 400",
    "sso/<slug:school_slug>/ls/post/": "400 400 400 400 400 400 400 400 400",
    # The AI tool register (registry.view_register: faculty, reviewers, admins; manage_register: admins;
    # view_coverage, which shows names: reviewers and admins). Another school's register is 404.
    "api/v1/schools/<slug:slug>/tools/": "403 404 404 200 404 200 200 404 404",
    "api/v1/schools/<slug:slug>/tools/coverage/": "403 404 404 404 404 200 200 404 404",
    "api/v1/schools/<slug:slug>/tools/<int:tool_id>/": "403 404 404 200 404 200 200 404 404",
    "api/v1/schools/<slug:slug>/tools/export/": "403 404 404 200 404 200 200 404 404",
    # GET is the model card's download; its POST (upload) and DELETE are the admins' (403 for faculty
    # and reviewers, 404 for others): tests/registry/test_api.py.
    "api/v1/schools/<slug:slug>/tools/<int:tool_id>/model-card/": "403 404 404 200 404 200 200 404 404",
    # Changes: the school's admins (an empty body is refused, 400); faculty and reviewers, who
    # read the register, are told they may not (403).
    "api/v1/schools/<slug:slug>/tools/import/preview/": "403 404 404 403 404 403 400 404 404",
    "api/v1/schools/<slug:slug>/tools/import/": "403 404 404 403 404 403 400 404 404",
    "api/v1/schools/<slug:slug>/tools/<int:tool_id>/retire/": "403 404 404 403 404 403 200 404 404",
    "school/<slug:school_slug>/ai-tools/": "302 404 404 200 404 200 200 404 404",
    "school/<slug:school_slug>/ai-tools/new/": "302 404 404 404 404 404 200 404 404",
    "school/<slug:school_slug>/ai-tools/import/": "302 404 404 404 404 404 200 404 404",
    "school/<slug:school_slug>/ai-tools/register.csv": "302 404 404 200 404 200 200 404 404",
    "school/<slug:school_slug>/ai-tools/coverage/": "302 404 404 404 404 200 200 404 404",
    "school/<slug:school_slug>/ai-tools/map/": "302 404 404 404 404 200 200 404 404",
    "school/<slug:school_slug>/ai-tools/evidence.<str:fmt>": "302 404 404 404 404 200 200 404 404",
    "school/<slug:school_slug>/ai-tools/<int:tool_id>/": "302 404 404 200 404 200 200 404 404",
    "school/<slug:school_slug>/ai-tools/<int:tool_id>/edit/": "302 404 404 404 404 404 200 404 404",
    "school/<slug:school_slug>/ai-tools/<int:tool_id>/delete/": "302 404 404 404 404 404 302 404 404",
    # The model card file: read by those who read the register; attached, replaced (an empty
    # POST: 400) and removed by its admins.
    "school/<slug:school_slug>/ai-tools/<int:tool_id>/model-card/": "302 404 404 200 404 200 200 404 404",
    "school/<slug:school_slug>/ai-tools/<int:tool_id>/model-card/remove/": "302 404 404 404 404 404 302 404 404",
    # The school's LRS settings and statement backlog: its admins only.
    "school/<slug:school_slug>/xapi/": "302 404 404 404 404 404 200 404 404",
    # Practice reports (observatory): every member reports to their school
    # (observatory.report_practice); its faculty, reviewers and admins triage, turn a report into a
    # draft case and read the analytics (observatory.triage_reports); its admins choose to share
    # (observatory.share_reports). The cross-school cells are for anyone signed in.
    "observatory/": "302 200 200 200 200 200 200 200 200",
    "observatory/across-schools/": "302 200 200 200 200 200 200 200 200",
    # A member's own reports; withdrawing one: its reporter only (the world's report is trainee1's,
    # still new), anyone else is told nothing (404).
    "observatory/my-reports/": "302 200 200 200 200 200 200 200 200",
    "observatory/my-reports/<int:report_id>/withdraw/": "302 302 404 404 404 404 404 404 404",
    # The reports as CSV: those who triage them (reporters by name for reviewers and admins).
    "school/<slug:school_slug>/reports/reports.csv": "302 404 404 200 404 200 200 404 404",
    "school/<slug:school_slug>/reports/new/": "302 200 200 200 404 200 200 404 404",
    "school/<slug:school_slug>/reports/": "302 404 404 200 404 200 200 404 404",
    "school/<slug:school_slug>/reports/analytics/": "302 404 404 200 404 200 200 404 404",
    "school/<slug:school_slug>/reports/sharing/": "302 404 404 404 404 404 302 404 404",
    "school/<slug:school_slug>/reports/<int:report_id>/": "302 404 404 200 404 200 200 404 404",
    "school/<slug:school_slug>/reports/<int:report_id>/to-case/": "302 404 404 400 404 400 400 404 404",
    "api/v1/schools/<slug:school_slug>/practice-reports/": "403 404 404 200 404 200 200 404 404",
    "api/v1/observatory/cells/": "403 200 200 200 200 200 200 200 200",
    # The public attestation check.
    "verify/": "200 200 200 200 200 200 200 200 200",
    # LTI 1.3: the LMS's login and launch (an empty one is refused with what is missing), the
    # new-window link (a token that is not one is refused), the school's public key set; the
    # school's LTI registrations page for its admins (lti.manage_platforms).
    "lti/login/": "400 400 400 400 400 400 400 400 400",
    "lti/launch/": "400 400 400 400 400 400 400 400 400",
    "lti/continue/<str:token>/": "400 400 400 400 400 400 400 400 400",
    "lti/deep-link/<str:token>/": "302 404 404 404 404 404 404 404 404",
    "lti/jwks/<slug:school_slug>.json": "200 200 200 200 200 200 200 200 200",
    "school/<slug:school_slug>/lti/": "302 404 404 404 404 404 200 404 404",
    "school/<slug:school_slug>/lti/platforms/<uuid:platform_uuid>/": "302 404 404 404 404 404 200 404 404",
    # The cohort's LTI page (grades sent to the LMS): as the cohort's dashboard.
    "school/cohorts/<int:cohort_id>/lti/": "302 404 404 200 404 200 200 404 404",
}


def expected_of(route: str) -> dict[str, int]:
    codes = EXPECTED[route].split()
    assert len(codes) == len(ROLES), route
    return dict(zip(ROLES, map(int, codes)))


def test_every_url_pattern_has_an_entry():
    """A new URL without an entry fails here, and so does an entry of a URL that is gone."""
    assert set(routes()) == set(EXPECTED)


# ---------------------------------------------------------------- the requests

class _RolledBack(Exception):
    pass


def fetch(client: Client, url: str):
    """GET the URL, or POST it empty where GET is not allowed; nothing it writes is kept, and
    the person stays signed in (a sign-out's cookie is dropped with its rolled-back session)."""
    result, cookies = {}, copy.deepcopy(client.cookies)
    try:
        with transaction.atomic():
            response = client.get(url)
            method = "GET"
            if response.status_code == 405:
                response = client.post(url)
                method = "POST"
            body = b"".join(response.streaming_content) if response.streaming else response.content
            result.update(method=method, status=response.status_code, body=body.decode("utf-8", "replace"))
            raise _RolledBack
    except _RolledBack:
        pass
    client.cookies = cookies
    return result


def people(a: SchoolWorld, b: SchoolWorld) -> dict[str, object]:
    """Each role's person when school ``a`` owns the URL's objects."""
    return {"anonymous": None, "trainee": a.trainee1, "other_trainee": a.trainee2, "faculty": a.faculty,
            "other_school_faculty": b.faculty, "reviewer": a.reviewer, "admin": a.admin,
            "other_school_reviewer": b.reviewer, "other_school_admin": b.admin}


def signed_in(user) -> Client:
    client = Client()
    if user is not None:
        user.refresh_from_db()
        client.force_login(user)
    return client


def test_every_url_as_every_role(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    a, b = build_school("A"), build_school("B")
    draft = os.environ.get("VIGIL_MATRIX_DRAFT") == "1"  # print the statuses met, as rows of EXPECTED
    wrong, leaks, cells, drafted = [], [], 0, {}
    for owner, other in ((a, b), (b, a)):
        clients = {role: signed_in(user) for role, user in people(owner, other).items()}
        for route in routes():
            url = build(route, owner)
            want = expected_of(route) if route in EXPECTED else {}
            row = []
            for role in ROLES:
                got = fetch(clients[role], url)
                cells += 1
                row.append(str(got["status"]))
                if want and got["status"] != want[role]:
                    wrong.append(f"{got['method']} {url} as {role}: {got['status']}, expected {want[role]}")
                for m in forbidden_markers(role, owner, other):
                    if m in got["body"]:
                        leaks.append(f"{got['method']} {url} as {role} ({got['status']}): {m}")
            drafted.setdefault(route, " ".join(row))
    if draft:
        print("\n".join(f'    "{r}": "{row}",' for r, row in drafted.items()))
    print(f"{cells} URL x role cells checked")
    assert leaks == []
    assert wrong == []
    assert cells == 2 * len(EXPECTED) * len(ROLES)
