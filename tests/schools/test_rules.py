"""Who may do what (schools/rules.py): every permission for every role, one case per test.

The world: school A with cohort A1, which is assigned course C (of school A) and has one
trainee, who answered a free-text item of C; C's owner teaches A1 and has a co-author, and
another faculty member of A teaches A1 too; school B has an admin of its own.
"""
import pytest
import rules
from django.contrib.auth.models import AnonymousUser
from django.utils import timezone

from cohorts.models import Attestation, ExportJob
from schools.selectors import staff_cohorts
from schools.models import Cohort, Enrollment, Role, School
from schools.rules import administered_schools, allowed, authored_courses, gradable_responses, request_cache
from courses.models import Course
from quizzes.models import Response
from tests.factories import (
    AssignmentFactory, CohortFactory, CourseVersionFactory, EnrollmentFactory, MembershipFactory, ModuleFactory,
    ResponseFactory, SchoolFactory, UserFactory,
)

pytestmark = pytest.mark.django_db

ROLES = ("trainee", "course_faculty", "coauthor", "teacher", "other_faculty", "reviewer", "admin", "other_admin",
         "anonymous", "superuser")
AUTHORS = {"course_faculty", "coauthor", "teacher", "other_faculty", "admin", "other_admin", "superuser"}

# permission: (the row it is asked about, the roles that hold it)
TABLE = {
    "courses.author": (None, AUTHORS),
    "courses.create_course": ("school", AUTHORS - {"other_admin"}),
    "courses.edit_course": ("course", {"course_faculty", "coauthor", "superuser"}),
    "courses.manage_coauthors": ("course", {"course_faculty", "superuser"}),
    "quizzes.review_responses": (None, AUTHORS),
    "quizzes.grade_response": ("response", {"course_faculty", "coauthor", "teacher", "superuser"}),
    "quizzes.take_course": ("course", {"trainee"}),
    "cohorts.list_cohorts": (None, {"course_faculty", "teacher", "reviewer", "admin", "other_admin", "superuser"}),
    "cohorts.view_cohort": ("cohort", {"course_faculty", "teacher", "reviewer", "admin", "superuser"}),
    "cohorts.manage_records": ("cohort", {"reviewer", "admin", "superuser"}),
    "cohorts.administer_cohort": ("cohort", {"admin", "superuser"}),
    "cohorts.export_research": ("cohort", {"admin", "superuser"}),
    "cohorts.create_cohort": ("school", {"admin", "superuser"}),
    "cohorts.download_export": ("export", {"course_faculty", "admin", "superuser"}),
    "cohorts.download_attestation": ("attestation", {"trainee", "course_faculty", "teacher", "reviewer", "admin",
                                                     "superuser"}),
    "cohorts.revoke_attestation": ("attestation", {"admin", "superuser"}),
    "schools.view_audit_log": ("school", {"admin", "superuser"}),
    "schools.manage_sign_in": ("school", {"admin", "superuser"}),
}
CASES = [(perm, role, role in holders) for perm, (_row, holders) in TABLE.items() for role in ROLES]
SCOPED = {  # the permissions whose rule is "in this list", and the list
    "cohorts.view_cohort": (Cohort, lambda user: staff_cohorts(user=user)),
    "courses.edit_course": (Course, authored_courses),
    "schools.view_audit_log": (School, administered_schools),
    "quizzes.grade_response": (Response, gradable_responses),
}


def _id(case) -> str:
    perm, role, holds = case
    return f"{perm}-{role}-{'yes' if holds else 'no'}"


@pytest.fixture
def world() -> dict:
    school = SchoolFactory()
    cohort = CohortFactory(school=school)
    people = {role: UserFactory(username=role) for role in ROLES if role != "anonymous"}
    people["superuser"].is_superuser = True
    people["superuser"].save()
    people["anonymous"] = AnonymousUser()
    for role, school_role in (("trainee", Role.TRAINEE), ("course_faculty", Role.FACULTY), ("coauthor", Role.FACULTY),
                              ("teacher", Role.FACULTY), ("other_faculty", Role.FACULTY), ("reviewer", Role.REVIEWER),
                              ("admin", Role.ADMIN)):
        MembershipFactory(user=people[role], school=school, role=school_role)
    MembershipFactory(user=people["other_admin"], role=Role.ADMIN)  # of another school
    EnrollmentFactory(user=people["trainee"], cohort=cohort)
    EnrollmentFactory(user=people["course_faculty"], cohort=cohort, role=Enrollment.CohortRole.FACULTY)
    EnrollmentFactory(user=people["teacher"], cohort=cohort, role=Enrollment.CohortRole.FACULTY)
    version = CourseVersionFactory(course__school=school, course__owner=people["course_faculty"])
    course = version.course
    course.coauthors.add(people["coauthor"])
    AssignmentFactory(cohort=cohort, course=course)
    response = ResponseFactory(attempt__trainee=people["trainee"], attempt__module=ModuleFactory(version=version))
    export = ExportJob.objects.create(school=school, cohort=cohort, requested_by=people["course_faculty"],
                                      kind=ExportJob.Kind.PROGRESS, format=ExportJob.Format.CSV)
    attestation = Attestation.objects.create(
        code="VIG-TEST-0001", trainee=people["trainee"], school=school, cohort=cohort, course=course, version=version,
        holder_name="Trainee", holder_initials="T.", course_title=version.title, version_number=1,
        completed_at=timezone.now(),
    )
    return {"people": people, "school": school, "cohort": cohort, "course": course, "export": export,
            "attestation": attestation, "response": response, None: None}


@pytest.mark.parametrize("perm, role, holds", CASES, ids=[_id(c) for c in CASES])
def test_who_holds_each_permission(world, perm, role, holds):
    row = world[TABLE[perm][0]]
    assert rules.has_perm(perm, world["people"][role], row) is holds


@pytest.mark.parametrize("perm, role, holds", CASES, ids=[_id(c) for c in CASES])
def test_django_has_perm_asks_the_same_rules(world, perm, role, holds):
    """``user.has_perm`` (the backend) agrees, but for a superuser, whom Django grants everything
    (hence ``quizzes.take_course`` is asked with ``rules.has_perm``)."""
    row = world[TABLE[perm][0]]
    assert world["people"][role].has_perm(perm, row) is (holds or role == "superuser")


@pytest.mark.parametrize("perm", sorted(SCOPED))
@pytest.mark.parametrize("role", [r for r in ROLES if r != "anonymous"])
def test_the_rule_and_the_list_agree(world, perm, role):
    model, scope = SCOPED[perm]
    user, row = world["people"][role], world[TABLE[perm][0]]
    assert scope(user).filter(pk=row.pk).exists() is rules.has_perm(perm, user, row)


@pytest.mark.parametrize("perm", sorted(SCOPED))
@pytest.mark.parametrize("role", ROLES)
def test_a_row_fetched_for_a_permission_is_the_row_the_rule_allows(world, perm, role):
    model, _scope = SCOPED[perm]
    user, row = world["people"][role], world[TABLE[perm][0]]
    with request_cache():
        found = allowed(user, perm, model.objects.all(), pk=row.pk)
    assert (found == row) is rules.has_perm(perm, user, row)


def test_a_missing_row_is_refused_like_a_forbidden_one(world):
    assert allowed(world["people"]["admin"], "cohorts.view_cohort", Cohort.objects.all(), pk=0) is None


def test_a_requester_who_no_longer_sees_the_cohort_may_not_download_the_export(world):
    Enrollment.objects.filter(user=world["people"]["course_faculty"]).delete()
    assert not rules.has_perm("cohorts.download_export", world["people"]["course_faculty"], world["export"])


def test_a_teacher_no_longer_in_the_cohort_may_not_grade_its_answers(world):
    Enrollment.objects.filter(user=world["people"]["teacher"]).delete()
    assert not rules.has_perm("quizzes.grade_response", world["people"]["teacher"], world["response"])


def test_a_teacher_grades_only_the_courses_assigned_to_the_cohort(world):
    """The trainee's answer to a course of no cohort the teacher teaches is not theirs to grade."""
    elsewhere = ResponseFactory(attempt__trainee=world["people"]["trainee"])
    assert not rules.has_perm("quizzes.grade_response", world["people"]["teacher"], elsewhere)


def test_faculty_who_teach_no_cohort_have_no_staff_pages(world):
    assert not rules.has_perm("cohorts.list_cohorts", world["people"]["other_faculty"])


def test_a_fetched_row_brings_its_answer_along(world, django_assert_num_queries):
    reviewer, cohort = world["people"]["reviewer"], world["cohort"]
    with request_cache():
        with django_assert_num_queries(1):
            found = allowed(reviewer, "cohorts.view_cohort", Cohort.objects.all(), pk=cohort.pk)
    assert found == cohort


def test_memberships_are_read_once_per_request(world, django_assert_num_queries):
    admin, cohort, school = world["people"]["admin"], world["cohort"], world["school"]
    with request_cache():
        with django_assert_num_queries(1):
            for perm in ("courses.author", "cohorts.manage_records", "cohorts.administer_cohort",
                         "cohorts.export_research"):
                assert admin.has_perm(perm, None if perm == "courses.author" else cohort)
            assert admin.has_perm("cohorts.create_cohort", school)


def test_nothing_is_kept_outside_a_request(world):
    admin, cohort = world["people"]["admin"], world["cohort"]
    assert rules.has_perm("cohorts.administer_cohort", admin, cohort)
    admin.memberships.all().delete()
    assert not rules.has_perm("cohorts.administer_cohort", admin, cohort)
