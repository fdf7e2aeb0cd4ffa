"""The demo must give every screen data: all kinds of content and every measure defined."""
from pathlib import Path

import pytest
from django.core.management import call_command

from cohorts.models import Attestation
from schools.models import Cohort
from cohorts.selectors.dashboard import cohort_course_ids
from cohorts.selectors.reliance import cohort_reliance
from cohorts.selectors.trends import cohort_measure_trend, module_before_after
from courses.models import Artifact, Course, FailureMode, Item
from courses.services import course_package_import
from courses.selectors import course_latest_published
from quizzes.models import Response

DEMO_COURSE = Path(__file__).resolve().parents[2] / "demo" / "courses" / "ai-literacy-clinicians"


@pytest.mark.django_db
def test_demo_course_covers_every_artifact_kind_item_type_and_failure_mode():
    course = course_package_import(path=DEMO_COURSE, publish=True).course
    items = Item.objects.filter(case__module__version__course=course)
    assert set(items.values_list("type", flat=True)) == set(Item.Type.values)
    artifacts = Artifact.objects.filter(case__module__version__course=course)
    assert set(artifacts.values_list("kind", flat=True)) == set(Artifact.Kind.values)
    used = set(items.values_list("failure_modes__code", flat=True)) - {None}
    assert used == set(FailureMode.objects.values_list("code", flat=True))
    assert items.values("case").distinct().count() >= 20


@pytest.mark.django_db(transaction=True)
def test_demo_histories_define_every_cohort_measure_and_fill_the_grading_queue(in_process_grading):
    call_command("seed_demo", trainees=10)
    measures = cohort_reliance(cohort=Cohort.objects.get(name="Class of 2027"))["cohort"]["measures"]
    reliance = measures["reliance"]
    for name in ("automation_bias_rate", "aversion_rate", "appropriate_reliance", "accuracy_ai_right",
                 "accuracy_ai_wrong", "rair", "rsr", "brier_score"):
        assert reliance[name] is not None, name
    assert measures["detection"]["d_prime"] is not None
    assert measures["cbm"]["n"] > 0
    assert Response.objects.filter(state=Response.State.REVIEW).exists()
    assert Attestation.objects.filter(cohort__name="Class of 2027").exists()  # to download and verify
    assert not Response.objects.exclude(state__in=[Response.State.GRADED, Response.State.REVIEW]).exists()


@pytest.mark.django_db(transaction=True)
def test_seed_demo_twice_changes_nothing(in_process_grading):
    call_command("seed_demo", trainees=3)
    before = Response.objects.count()
    call_command("seed_demo", trainees=3)
    assert Response.objects.count() == before


@pytest.mark.django_db(transaction=True)
def test_demo_trends_span_weeks_and_compare_before_and_after_a_module(in_process_grading):
    call_command("seed_demo", trainees=10)
    cohort = Cohort.objects.get(name="Class of 2027")
    course_ids = cohort_course_ids(cohort=cohort)
    assert len(cohort_measure_trend(cohort=cohort, course_ids=course_ids)) >= 3
    course = Course.objects.get(pk=course_ids[0])
    first_module = course_latest_published(course=course).modules.order_by("position").first()
    phases = module_before_after(cohort=cohort, course_ids=course_ids, course=course, module_slug=first_module.slug)
    assert phases["after"]["measures"]["reliance"]["decisions"] > 0


@pytest.mark.django_db(transaction=True)
def test_the_demo_register_maps_training_and_shows_who_is_covered(in_process_grading):
    from registry.evidence import evidence_pdf
    from registry.selectors import COVERED, school_coverage
    from schools.models import School

    call_command("seed_demo", trainees=6)
    school = School.objects.get(slug="demo-medical-school")
    coverage = {c.tool.name: c for c in school_coverage(school=school)}
    assert len(coverage) >= 5
    assert all(c.tool.training.exists() for name, c in coverage.items() if name != "PatientChat Triage"
               and name != "DoseCheck Paediatrics")
    assert any(p.status == COVERED for p in coverage["ChestScan Assist"].users)
    assert coverage["PatientChat Triage"].not_assigned  # used without any training required
    from django.utils import timezone
    assert evidence_pdf(school=school, coverage=list(coverage.values()), at=timezone.now()).startswith(b"%PDF")
