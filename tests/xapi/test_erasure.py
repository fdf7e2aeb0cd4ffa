"""Erasing a member: Vigil's copies of the statements about them go (those not sent never
are), and no later statement names them; the other members' statements stay."""
import pytest

from privacy.services import member_erase
from quizzes import regrade
from quizzes import services as quiz_services
from schools.models import AuditEvent, Membership, Role
from tests.factories import EnrollmentFactory, MembershipFactory, UserFactory
from xapi.models import OutboxStatement, ReportedResult
from tests.xapi.test_revisions import _regrade


@pytest.fixture
def answered(lrs, school, trainee, module, single_choice):
    Membership.objects.get_or_create(user=trainee, school=school)
    attempt = quiz_services.attempt_start(trainee=trainee, module=module)
    response, _ = quiz_services.response_submit(attempt=attempt, item=single_choice, answer={"answer": "a"})
    quiz_services.response_grade(response_id=response.pk)
    OutboxStatement.objects.filter(verb="attempted").update(status="sent")
    return response


def _erase(trainee, school):
    return member_erase(subject=trainee, school=school, actor=UserFactory(is_superuser=True))


def test_erasing_a_member_deletes_the_statements_about_them(answered, trainee, school):
    other = UserFactory()
    EnrollmentFactory(user=other, cohort=trainee.enrollments.get().cohort)
    quiz_services.attempt_start(trainee=other, module=answered.attempt.module)
    _erase(trainee, school)
    assert list(OutboxStatement.objects.values_list("user_id", flat=True)) == [other.pk]
    assert not ReportedResult.objects.exists()
    detail = AuditEvent.objects.get(action="privacy.member.erase").detail
    assert detail["xapi_statements_forgotten"] == {"sent": 1, "unsent": 2}  # attempted; answered, completed


def test_a_regrade_after_the_erasure_sends_nothing_about_them(answered, trainee, school, single_choice):
    _erase(trainee, school)
    _regrade(single_choice, {"answer": "a"}, MembershipFactory(school=school, role=Role.FACULTY).user)
    assert not OutboxStatement.objects.exists()
