import pytest

from registry import csvfile, services
from registry.models import Tool
from registry.selectors import COVERED, NOT_ASSIGNED, school_coverage
from progress.models import ModuleProgress
from schools.models import AuditEvent
from training.errors import ApplicationError

pytestmark = pytest.mark.django_db


def test_a_tool_is_created_with_its_links_and_audited(two):
    a, _b = two
    tool = services.tool_create(school=a.school, actor=a.admin, data={
        "name": "Scribe", "category": "scribe", "failure_modes": ["HAL", "OMI"], "cohorts": [a.cohort.slug],
        "training": [f"{a.course.slug}/{a.module.slug}"], "departments": ["Emergency"]})
    assert sorted(tool.failure_modes.values_list("code", flat=True)) == ["HAL", "OMI"]
    assert [r.reference for r in tool.training.all()] == [f"{a.course.slug}/{a.module.slug}"]
    assert AuditEvent.objects.filter(action="registry.tool.create", school=a.school, detail__tool="Scribe").exists()


def test_a_course_of_another_school_is_refused_and_nothing_written(two):
    a, b = two
    with pytest.raises(ApplicationError) as refused:
        services.tool_create(school=a.school, actor=a.admin, data={
            "name": "Scribe", "category": "scribe", "training": [b.course.slug]})
    assert "training" in refused.value.errors
    assert not Tool.objects.filter(name="Scribe").exists()


def test_unknown_category_failure_mode_and_cohort_are_each_named(two):
    a, b = two
    with pytest.raises(ApplicationError) as refused:
        services.tool_create(school=a.school, actor=a.admin, data={
            "name": "X", "category": "nope", "failure_modes": ["ZZZ"], "cohorts": [b.cohort.slug]})
    assert {"category", "failure_modes", "cohorts"} <= set(refused.value.errors)


def test_an_update_records_only_what_changed(two):
    a, _b = two
    assert services.tool_update(tool=a.tool, actor=a.admin, data={"status": "deployed", "name": a.tool.name}) == [
        "status"]
    assert services.tool_update(tool=a.tool, actor=a.admin, data={"status": "deployed"}) == []
    assert AuditEvent.objects.filter(action="registry.tool.update").count() == 1


CSV = ("name,category,status,failure_modes,cohorts,training,high_risk\n"
       "Radiology AI,imaging,deployed,SHIFT|BIAS,{cohort},{course},yes\n"
       "Chat,llm,pilot,HAL,,,no\n")


def test_a_csv_file_creates_and_then_finds_every_tool_unchanged(two):
    a, _b = two
    data = CSV.format(cohort=a.cohort.slug, course=a.course.slug).encode()
    assert services.tools_import(school=a.school, rows=csvfile.parse(data).rows, actor=a.admin) == {
        "created": 2, "updated": 0, "unchanged": 0}
    assert services.tools_import(school=a.school, rows=csvfile.parse(data).rows, actor=a.admin) == {
        "created": 0, "updated": 0, "unchanged": 2}
    assert Tool.objects.get(school=a.school, name="Radiology AI").high_risk


def test_a_csv_file_with_one_bad_line_writes_nothing_and_names_the_line(two):
    a, b = two
    data = (CSV.format(cohort=a.cohort.slug, course=a.course.slug)
            + f"Other,unknown-cat,pilot,,,{b.course.slug},no\n").encode()
    with pytest.raises(ApplicationError) as refused:
        services.tools_import(school=a.school, rows=csvfile.parse(data).rows, actor=a.admin)
    assert set(refused.value.errors) == {"line 4: category", "line 4: training"}
    assert not Tool.objects.filter(school=a.school, name="Radiology AI").exists()


def test_a_csv_file_with_an_unknown_column_is_refused_at_line_1():
    with pytest.raises(ApplicationError) as refused:
        csvfile.parse(b"name,colour\nX,red\n")
    assert "colour" in refused.value.errors["line 1"][0]


def test_the_export_reads_back_as_the_same_register(two):
    a, _b = two
    text = csvfile.register_csv(Tool.objects.filter(school=a.school))
    assert services.tools_import(school=a.school, rows=csvfile.parse(text.encode()).rows, actor=a.admin)["unchanged"] == 1


def test_the_export_guards_a_formula_against_spreadsheets_and_reads_it_back_as_written(two):
    a, _b = two
    Tool.objects.filter(school=a.school).update(vendor="=HYPERLINK(\"http://x.example\")")
    text = csvfile.register_csv(Tool.objects.filter(school=a.school))
    assert "'=HYPERLINK" in text
    assert services.tools_import(school=a.school, rows=csvfile.parse(text.encode()).rows, actor=a.admin)["unchanged"] == 1


def test_coverage_counts_a_module_completed_and_names_who_is_not_assigned(two):
    a, _b = two
    services.tool_update(tool=a.tool, actor=a.admin, data={"training": [f"{a.course.slug}/{a.module.slug}"]})
    ModuleProgress.objects.update_or_create(trainee=a.trainee1, course=a.course, module_slug=a.module.slug,
                                            defaults={"completed_at": a.attempt1.started_at})
    other = services.tool_create(school=a.school, actor=a.admin, data={
        "name": "Untrained", "category": "llm", "user_roles": ["reviewer"]})
    rows = {c.tool.pk: c for c in school_coverage(school=a.school)}
    statuses = {p.id: p.status for p in rows[a.tool.pk].users}
    assert statuses[a.trainee1.pk] == COVERED
    assert rows[a.tool.pk].covered["k"] == 1
    assert [p.status for p in rows[other.pk].users] == [NOT_ASSIGNED]
