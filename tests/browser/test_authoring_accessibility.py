"""Every authoring page passes axe-core (no serious or critical violation) and is
photographed at desktop and phone width (test-artifacts/screenshots/studio-*.png)."""
from pathlib import Path

import pytest
from django.db import transaction

from schools.models import Enrollment, Role
from courses import authoring
from courses.models import Case, Course, CourseVersion, Item
from courses.services import course_package_import
from courses.services import course_version_create_draft
from quizzes import regrade, services
from tests.browser.conftest import assert_accessible, screenshot
from tests.factories import EnrollmentFactory, MembershipFactory, UserFactory, assigned_module

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

MINIMAL = Path(__file__).resolve().parents[1] / "courses" / "packages" / "minimal"
SVG = (MINIMAL / "media" / "cxr.svg").read_bytes()


def _saved(user):
    user.save(update_fields=["password"])
    return user


def _world() -> dict:
    """A published course with answers (analysis, grading, regrade) and a draft of it."""
    faculty = _saved(MembershipFactory(role=Role.FACULTY).user)
    version = course_package_import(path=MINIMAL, user=faculty, publish=True)
    course = Course.objects.get(pk=version.course_id)
    course.owner = faculty
    course.save()
    trainees = [UserFactory() for _ in range(6)]
    assigned_module(*trainees)  # a cohort with these trainees…
    cohort = Enrollment.objects.filter(user=trainees[0]).get().cohort
    cohort.assignments.update(course=course)  # …assigned the imported course
    EnrollmentFactory(user=faculty, cohort=cohort, role=Enrollment.CohortRole.FACULTY)
    module = version.modules.get(slug="appraising-tools")
    choice = Item.objects.get(case__module=module, slug="which-lobe")
    critique = Item.objects.get(case__module=module, slug="critique")
    for i, trainee in enumerate(trainees):
        attempt = services.attempt_start(trainee=trainee, module=module)
        for item, answer in ((choice, {"answer": "rll" if i % 3 else "rul", "certainty": 2}),
                             (critique, {"text": "Fitzpatrick V-VI scores 0.71." if i % 2 else "Looks fine."})):
            response, _ = services.response_submit(attempt=attempt, item=item, answer=answer)
            services.response_grade(response_id=response.pk)
    fix = regrade.item_key_fix(item=choice, new_answer={"answer": "rul"}, reason="The key was swapped.", user=faculty)
    job = regrade.regrade_job_dry_run(job_id=regrade.regrade_job_create(item=choice, user=faculty, key_fix=fix).pk)
    draft = course_version_create_draft(course=course, user=faculty)
    draft_module = draft.modules.get(slug="verifying-text")
    with transaction.atomic():
        authoring.case_create(module=draft_module, title="Unfinished case")
    return {"faculty": faculty, "course": course, "version": version, "draft": draft, "job": job,
            "critique": critique, "choice": choice}


def _pages(world: dict) -> list[tuple[str, str]]:
    draft, version, slug = world["draft"], world["version"], world["course"].slug

    def item(slug_, v=draft):
        return Item.objects.get(case__module__version=v, slug=slug_).pk

    def artifact(slug_):
        return draft.modules.get(slug="appraising-tools").cases.get(slug="portable-film").artifacts.get(slug=slug_).pk \
            if slug_ in ("cxr", "sepsis") else \
            Case.objects.get(module__version=draft, artifacts__slug=slug_).artifacts.get(slug=slug_).pk

    case = Case.objects.get(module__version=draft, slug="fabricated-allergy")
    module = draft.modules.get(slug="verifying-text")
    response = world["critique"].responses.filter(state="review").first()
    return [
        ("home", "/studio/"),
        ("course-draft", f"/studio/c/{slug}/"),
        ("course-published", f"/studio/c/{slug}/?version=1"),
        ("course-settings", f"/studio/c/{slug}/settings/"),
        ("module", f"/studio/modules/{module.pk}/"),
        ("lesson", f"/studio/lessons/{module.lessons.first().pk}/"),
        ("case", f"/studio/cases/{case.pk}/"),
        ("artifact-text", f"/studio/artifacts/{artifact('letter')}/"),
        ("artifact-image", f"/studio/artifacts/{artifact('cxr')}/"),
        ("artifact-prediction", f"/studio/artifacts/{artifact('sepsis')}/"),
        ("artifact-model-card", f"/studio/artifacts/{artifact('card')}/"),
        ("artifact-chat", f"/studio/artifacts/{artifact('chat')}/"),
        ("item-error-spans", f"/studio/items/{item('find-the-errors')}/"),
        ("item-reliance", f"/studio/items/{item('accept-the-plan')}/"),
        ("item-single-choice", f"/studio/items/{item('which-lobe')}/"),
        ("item-multiple-choice", f"/studio/items/{item('concerns')}/"),
        ("item-numeric", f"/studio/items/{item('ppv')}/"),
        ("item-script-concordance", f"/studio/items/{item('pneumonia-more-likely')}/"),
        ("item-free-text", f"/studio/items/{item('critique')}/"),
        ("item-new", f"/studio/cases/{case.pk}/items/new/?type=single_choice"),
        ("item-published", f"/studio/items/{item('which-lobe', version)}/"),
        ("key-fix", f"/studio/items/{item('find-the-errors', version)}/key-fix/"),
        ("regrade-job", f"/studio/regrade/{world['job'].pk}/"),
        ("check", f"/studio/c/{slug}/check/"),
        ("diff", f"/studio/c/{slug}/diff/?from=1&to=2"),
        ("preview", f"/studio/cases/{case.pk}/preview/"),
        ("analysis", f"/studio/c/{slug}/versions/1/analysis/"),
        ("import", "/studio/import/"),
        ("questions-import", f"/studio/c/{slug}/questions/"),
        ("delete", f"/studio/case/{case.pk}/delete/"),
        ("grading", "/studio/grading/"),
        ("grading-response", f"/studio/grading/responses/{response.pk}/"),
    ]


def test_every_authoring_page_is_accessible_and_photographed(page, phone_page, sign_in):
    world = _world()
    for p in (page, phone_page):
        sign_in(p, world["faculty"])
        p.route("**/media/**", lambda route: route.fulfill(body=SVG, content_type="image/svg+xml"))
    problems = []
    for name, url in _pages(world):
        response = page.goto(url)
        assert response.status == 200, (name, url, response.status)
        page.wait_for_load_state("networkidle")
        screenshot(page, f"studio-{name}-desktop")
        try:
            assert_accessible(page)
        except AssertionError as exc:
            problems.append(f"{name} ({url}): {exc}")
        phone_page.goto(url)
        phone_page.wait_for_load_state("networkidle")
        screenshot(phone_page, f"studio-{name}-phone")
        try:
            assert_accessible(phone_page)
        except AssertionError as exc:
            problems.append(f"{name} on a phone ({url}): {exc}")
    assert not problems, "\n".join(problems)
    assert CourseVersion.objects.filter(course=world["course"]).count() == 2
