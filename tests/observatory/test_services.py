"""Practice reports: stored whole or refused whole, triaged, turned into a draft case, shared."""
import pytest
from django.db import transaction

from courses.models import CourseVersion
from observatory import services
from observatory.models import PracticeReport, Sharing
from schools.models import AuditEvent, Role
from tests.factories import (CourseFactory, CourseVersionFactory, MembershipFactory, ModuleFactory,
                             PracticeReportFactory, SchoolFactory, UserFactory)
from training.errors import ApplicationError

pytestmark = pytest.mark.django_db

GOOD = {"tool_name": "Ward scribe", "tool_category": "scribe", "failure_mode": "SHIFT",
        "severity": "near_miss", "ai_output": "Summary says no allergies.",
        "what_was_wrong": "The patient had a penicillin allergy.", "clinician_action": "Corrected the letter."}


def create(school, user, **changes):
    with transaction.atomic():
        return services.report_create(school=school, reporter=user, **{**GOOD, **changes})


def test_a_report_is_stored_with_its_audit_record():
    school, user = SchoolFactory(), UserFactory()
    report = create(school, user)
    assert (report.status, report.failure_mode_id, report.tool_name) == ("new", "SHIFT", "Ward scribe")
    assert AuditEvent.objects.filter(action="observatory.report.create", school=school).count() == 1


def test_an_identifier_refuses_the_report_naming_the_field_and_place():
    school, user = SchoolFactory(), UserFactory()
    with pytest.raises(ApplicationError) as refused:
        create(school, user, what_was_wrong="Allergy missed.\nPatient DOB 03/04/1950, call 06 12 34 56 78.")
    errors = refused.value.errors["what_was_wrong"]
    assert len(errors) == 2 and "Line 2, character 13" in errors[0] and "06 12 34 56 78" in errors[1]
    assert not PracticeReport.objects.exists() and not AuditEvent.objects.exists()


def test_a_tool_id_outside_the_schools_register_is_refused():
    with pytest.raises(ApplicationError) as refused:
        create(SchoolFactory(), UserFactory(), tool_id=12345)
    assert "tool_id" in refused.value.errors and not PracticeReport.objects.exists()


def test_an_unknown_failure_mode_is_refused():
    with pytest.raises(ApplicationError) as refused:
        create(SchoolFactory(), UserFactory(), failure_mode="NOPE")
    assert "failure_mode" in refused.value.errors


def test_triage_moves_a_report_and_refuses_a_jump():
    report = PracticeReportFactory()
    with transaction.atomic():
        services.report_set_status(report=report, actor=UserFactory(), status="reviewed")
    report.refresh_from_db()
    assert report.status == "reviewed"
    with pytest.raises(ApplicationError) as refused, transaction.atomic():
        services.report_set_status(report=report, actor=UserFactory(), status="case")
    assert refused.value.status_code == 409


def test_a_report_becomes_a_draft_case_prefilled_with_the_tool_mode_and_text():
    school = SchoolFactory()
    faculty = UserFactory()
    version = CourseVersionFactory(course=CourseFactory(school=school, owner=faculty), status=CourseVersion.Status.DRAFT)
    module = ModuleFactory(version=version)
    report = PracticeReportFactory(school=school)
    with transaction.atomic():
        case = services.report_to_case(report=report, actor=faculty, module=module)
    artifact = case.artifacts.get()
    assert "Chest X-ray triage AI" in case.title and "pneumothorax" in case.vignette
    assert artifact.content == {"text": "No acute finding."} and artifact.ai_correct is False
    assert [m.code for m in artifact.failure_modes.all()] == ["SHIFT"]
    report.refresh_from_db()
    assert (report.status, report.case_id) == ("case", case.pk)


def test_a_report_is_not_turned_into_a_case_in_a_published_version():
    school = SchoolFactory()
    module = ModuleFactory(version=CourseVersionFactory(course=CourseFactory(school=school)))
    report = PracticeReportFactory(school=school)
    with pytest.raises(ApplicationError), transaction.atomic():
        services.report_to_case(report=report, actor=UserFactory(), module=module)
    report.refresh_from_db()
    assert report.status == "new" and report.case_id is None and not module.cases.exists()


def test_sharing_is_set_and_audited():
    school = SchoolFactory()
    MembershipFactory(school=school, role=Role.ADMIN)
    with transaction.atomic():
        services.sharing_set(school=school, actor=UserFactory(), share=True)
    assert Sharing.objects.get(school=school).share is True
    assert AuditEvent.objects.filter(action="observatory.sharing.update").count() == 1


def _register_tool(school, name="Chest X-ray triage"):
    from registry import services as registry_services

    admin = MembershipFactory(school=school, role=Role.ADMIN).user
    with transaction.atomic():
        return registry_services.tool_create(school=school, actor=admin, data={"name": name, "category": "imaging"})


def test_a_tool_of_the_register_names_the_report_and_gives_its_category():
    school, user = SchoolFactory(), UserFactory()
    tool = _register_tool(school)
    report = create(school, user, tool_name="", tool_category="", tool_id=tool.pk)
    assert (report.tool, report.tool_name, report.tool_category) == (tool, "Chest X-ray triage", "imaging")


def test_a_tool_of_another_schools_register_is_refused_and_nothing_written():
    school, user = SchoolFactory(), UserFactory()
    elsewhere = _register_tool(SchoolFactory())
    with pytest.raises(ApplicationError) as refused:
        create(school, user, tool_name="", tool_id=elsewhere.pk)
    assert "tool_id" in refused.value.errors
    assert not PracticeReport.objects.exists()
