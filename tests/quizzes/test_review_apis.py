"""The grading queue API and the confirmation of a free-text grade: only the course's authors
and the faculty who teach the trainee's cohort grade, and every grade confirmed or changed,
like every name shown, is in the trainee's school's audit log.

The world: school A's cohort, assigned course C of school A (its owner and co-author teach
no cohort), with one trainee whose free-text answer waits for a grade and one teacher;
school B has a cohort of its own, its teacher, reviewer and admin.
"""
import pytest
from rest_framework.test import APIClient

from quizzes import services
from quizzes.models import Grade, Response
from schools.models import AuditEvent, Enrollment, Role
from tests.factories import (
    AssignmentFactory, CaseFactory, CohortFactory, CourseVersionFactory, EnrollmentFactory, ItemFactory,
    MembershipFactory, ModuleFactory, UserFactory,
)

pytestmark = pytest.mark.django_db

KEY = {"criteria": [{"id": "gap", "text": "Names the subgroup gap", "points": 2, "look_for": [["Fitzpatrick"]]}]}


@pytest.fixture
def w() -> dict:
    cohort, other = CohortFactory(), CohortFactory()
    owner, coauthor = UserFactory(), UserFactory()
    version = CourseVersionFactory(course__school=cohort.school, course__owner=owner)
    version.course.coauthors.add(coauthor)
    module = ModuleFactory(version=version)
    AssignmentFactory(cohort=cohort, course=version.course)
    trainee = UserFactory(first_name="Zelda", last_name="Quill")
    EnrollmentFactory(cohort=cohort, user=trainee)
    people = {"owner": owner, "coauthor": coauthor, "trainee": trainee}
    for name, c in (("teacher", cohort), ("other_teacher", other)):
        people[name] = MembershipFactory(school=c.school, role=Role.FACULTY).user
        EnrollmentFactory(cohort=c, user=people[name], role=Enrollment.CohortRole.FACULTY)
    for name, school, role in (("reviewer", cohort.school, Role.REVIEWER), ("admin", cohort.school, Role.ADMIN),
                               ("other_reviewer", other.school, Role.REVIEWER),
                               ("other_admin", other.school, Role.ADMIN)):
        people[name] = MembershipFactory(school=school, role=role).user
    item = ItemFactory(case=CaseFactory(module=module), type="free_text", spec={}, key=KEY, prompt="Critique it.")
    attempt = services.attempt_start(trainee=trainee, module=module)
    response, _ = services.response_submit(attempt=attempt, item=item, answer={"text": "It misses the gap on Fitzpatrick V-VI skin."})
    services.response_grade(response_id=response.pk)
    return {**people, "school": cohort.school, "response": Response.objects.get(pk=response.pk)}


def api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def confirm(user, response, points=None):
    return api(user).post(f"/api/v1/review/responses/{response.pk}/", {"points": points or {"gap": 0}},
                          format="json")


@pytest.mark.parametrize("who", ["reviewer", "admin", "other_reviewer", "other_admin", "other_teacher"])
def test_who_neither_authors_the_course_nor_teaches_the_trainee_may_not_confirm_a_grade(w, who):
    assert confirm(w[who], w["response"]).status_code == 404
    grade = Grade.objects.get(response=w["response"])
    assert not grade.is_final and grade.graded_by is None
    assert not AuditEvent.objects.exists()


@pytest.mark.parametrize("who", ["teacher", "owner", "coauthor"])
def test_the_trainees_teacher_and_the_courses_authors_confirm_a_grade(w, who):
    response = confirm(w[who], w["response"], {"gap": 1})
    assert response.status_code == 200
    grade = Grade.objects.get(response=w["response"])
    assert (grade.score, grade.is_final, grade.graded_by) == (0.5, True, w[who])


def test_a_confirmation_is_audited_in_the_trainees_school_with_before_and_after(w):
    confirm(w["teacher"], w["response"], {"gap": 1})
    event = AuditEvent.objects.get()
    assert (event.action, event.actor, event.subject, event.school) == (
        "grade.confirm", w["teacher"], w["trainee"], w["school"])
    assert event.detail["response"] == w["response"].pk
    assert event.detail["before"] == {"score": 1.0, "final": False, "points": None, "graded_by": None}
    assert event.detail["after"] == {"score": 0.5, "final": True, "points": {"gap": 1}, "graded_by": w["teacher"].pk}


def test_a_correction_of_a_confirmed_grade_is_audited_as_a_change(w):
    services.response_review_confirm(response=w["response"], reviewer=w["teacher"], points={"gap": 2})
    services.response_review_confirm(response=w["response"], reviewer=w["owner"], points={"gap": 0})
    event = AuditEvent.objects.order_by("pk").last()
    assert (event.action, event.actor, event.subject) == ("grade.change", w["owner"], w["trainee"])
    assert (event.detail["before"]["score"], event.detail["before"]["final"]) == (1.0, True)
    assert (event.detail["after"]["score"], event.detail["before"]["graded_by"]) == (0.0, w["teacher"].pk)


@pytest.mark.parametrize("who", ["reviewer", "admin", "other_teacher"])
def test_the_queue_lists_nothing_to_who_may_not_grade_it(w, who):
    assert api(w[who]).get("/api/v1/review/queue/").json()["results"] == []


def test_the_queue_lists_the_answers_the_author_grades(w):
    (entry,) = api(w["owner"]).get("/api/v1/review/queue/").json()["results"]
    assert entry["id"] == w["response"].pk and "Zelda" not in entry["trainee"]
    assert not AuditEvent.objects.exists()


def test_showing_names_in_the_queue_is_audited_per_trainee_in_their_school(w):
    (entry,) = api(w["teacher"]).get("/api/v1/review/queue/", {"show_names": "1"}).json()["results"]
    assert entry["trainee"] == "Zelda Quill"
    event = AuditEvent.objects.get()
    assert (event.action, event.actor, event.subject, event.school) == (
        "review.queue.names_shown", w["teacher"], w["trainee"], w["school"])
    assert event.detail["responses"] == [w["response"].pk]
