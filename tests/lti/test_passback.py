"""Grade passback (AGS) to the test platform: a trainee's module graded by the real pipeline
is queued in the outbox, sent with an access token, and received by the platform on the
placed line item; a changed grade is sent again; the LMS down keeps the row pending, the LMS
refusing marks it failed; faculty see each row's status."""
import pytest
from django.db import transaction

from lti import grades
from lti.models import LtiIdentity, Placement, ScorePassback
from lti.tasks import send_score
from progress.models import ModuleProgress
from quizzes import services as quiz
from schools.models import Enrollment, Role
from tests.lti.conftest import take

pytestmark = pytest.mark.django_db


def detect(django_capture_on_commit_callbacks) -> int:
    with django_capture_on_commit_callbacks() as queued, transaction.atomic():
        n = grades.passbacks_detect()
    assert len(queued) == n
    return n


def test_a_graded_module_is_queued_once_and_received_by_the_platform(placed, lms, django_capture_on_commit_callbacks):
    take(placed, ["b", "a"])  # one right of two
    assert detect(django_capture_on_commit_callbacks) == 1
    assert detect(django_capture_on_commit_callbacks) == 0  # nothing new: nothing queued again
    row = grades.passback_send(passback_id=ScorePassback.objects.get().pk)
    assert (row.status, row.tries, row.sent_score) == (ScorePassback.Status.SENT, 1, 0.5)
    [score] = lms.scores["1"]
    assert score["userId"] == "lms-learner" and score["scoreGiven"] == 50 and score["scoreMaximum"] == 100
    assert score["gradingProgress"] == "FullyGraded" and score["activityProgress"] == "Completed"
    assert any("score" in t["scope"] for t in lms.tokens)


def test_an_unfinished_module_sends_nothing(placed, lms, django_capture_on_commit_callbacks):
    attempt = quiz.attempt_start(trainee=placed["learner"], module=placed["module"])
    response, _c = quiz.response_submit(attempt=attempt, item=placed["items"][0], answer={"answer": "b"})
    quiz.response_grade(response_id=response.pk)
    assert detect(django_capture_on_commit_callbacks) == 0


def test_a_changed_grade_is_sent_again(placed, lms, django_capture_on_commit_callbacks):
    take(placed, ["b", "a"])
    detect(django_capture_on_commit_callbacks)
    grades.passback_send(passback_id=ScorePassback.objects.get().pk)
    # A regrade moves the read-model by the difference (progress.aggregates): the second item now right.
    ModuleProgress.objects.filter(trainee=placed["learner"]).update(score_sum=2.0)
    assert detect(django_capture_on_commit_callbacks) == 1
    assert ScorePassback.objects.get().status == ScorePassback.Status.PENDING
    grades.passback_send(passback_id=ScorePassback.objects.get().pk)
    assert [s["scoreGiven"] for s in lms.scores["1"]] == [50, 100]


def test_the_lms_down_keeps_the_row_pending_with_the_error(placed, lms, django_capture_on_commit_callbacks):
    take(placed, ["b", "b"])
    detect(django_capture_on_commit_callbacks)
    lms.fail_scores = 1
    pk = ScorePassback.objects.get().pk
    with pytest.raises(grades.PlatformUnavailable):
        grades.passback_send(passback_id=pk)
    row = ScorePassback.objects.get()
    assert (row.status, row.tries, row.last_error) == (ScorePassback.Status.PENDING, 1, "the LMS answered 503")
    grades.passback_send(passback_id=pk)  # the retry
    assert ScorePassback.objects.get().status == ScorePassback.Status.SENT
    assert [s["scoreGiven"] for s in lms.scores["1"]] == [100]


def test_the_lms_refusing_marks_the_row_failed_through_the_task(placed, lms, django_capture_on_commit_callbacks):
    take(placed, ["b", "b"])
    detect(django_capture_on_commit_callbacks)
    Placement.objects.update(lineitem_url=lms.base + "/nowhere/9")
    send_score.apply(args=[ScorePassback.objects.get().pk])
    row = ScorePassback.objects.get()
    assert row.status == ScorePassback.Status.FAILED
    assert "PlatformRefused: the LMS answered 404" in row.last_error


def test_rows_left_pending_are_published_again_by_the_sweep(placed, lms, django_capture_on_commit_callbacks):
    from datetime import timedelta

    from django.utils import timezone

    take(placed, ["b", "b"])
    detect(django_capture_on_commit_callbacks)
    ScorePassback.objects.update(changed_at=timezone.now() - timedelta(minutes=5))
    assert grades.passbacks_resend() == [ScorePassback.objects.get().pk]


def test_faculty_see_the_status_of_each_passback(client, placed, lms, django_capture_on_commit_callbacks):
    take(placed, ["b", "a"])
    detect(django_capture_on_commit_callbacks)
    grades.passback_send(passback_id=ScorePassback.objects.get().pk)
    teacher = LtiIdentity.objects.get(sub="lms-teacher").user
    cohort = Enrollment.objects.get(user=teacher).cohort
    client.force_login(teacher)
    body = client.get(f"/school/cohorts/{cohort.pk}/lti/").content.decode()
    assert "Received by the LMS" in body and "50 %" in body and "Ada Lovelace" in body


@pytest.mark.parametrize("n_rows", [1, 3])
def test_the_cohort_lti_page_costs_the_same_queries_for_one_row_or_several(
        client, placed, lms, n_rows, django_assert_num_queries):
    from django.utils import timezone

    from tests.factories import UserFactory

    for _i in range(n_rows):
        ScorePassback.objects.create(placement=placed["placement"], trainee=UserFactory(), score=0.5,
                                     changed_at=timezone.now())
    teacher = LtiIdentity.objects.get(sub="lms-teacher").user
    client.force_login(teacher)
    cohort_id = placed["placement"].context.cohort_id
    with django_assert_num_queries(COHORT_PAGE_QUERIES):
        assert client.get(f"/school/cohorts/{cohort_id}/lti/").status_code == 200


COHORT_PAGE_QUERIES = 10  # the same for 1 row or 3: the rows come with their placement and trainee


def test_a_trainee_cannot_see_the_cohort_lti_page(client, placed):
    client.force_login(placed["learner"])
    assert client.get(f"/school/cohorts/{placed['placement'].context.cohort_id}/lti/").status_code == 404
    assert Role.TRAINEE in placed["learner"].memberships.values_list("role", flat=True)
