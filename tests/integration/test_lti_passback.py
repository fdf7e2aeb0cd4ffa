"""Grade passback through a real Celery worker to the test LTI platform on 127.0.0.1: the
outbox row written after commit is sent by the worker; the LMS answering 503 twice is retried
with backoff and then receives the score once."""
import re

import pytest
from django.db import transaction

from lti import grades, selectors
from lti.models import ContextBinding, LtiIdentity, Placement, ScorePassback
from lti.services import platform_register
from quizzes import services as quiz
from schools.models import Enrollment
from tests.factories import (AssignmentFactory, CaseFactory, CohortFactory, CourseFactory, CourseVersionFactory,
                             ItemFactory, ModuleFactory, UserFactory)
from tests.integration.test_grading_pipeline import live_db, wait_until
from tests.lti.platform import TestPlatform

pytestmark = pytest.mark.integration


@pytest.fixture
def lms():
    platform = TestPlatform().start()
    yield platform
    platform.stop()


@pytest.fixture
def graded(lms):
    """A trainee of an LMS course whose placed module (one item) is graded right."""
    cohort = CohortFactory()
    with transaction.atomic():
        platform = platform_register(school=cohort.school, actor=None, name="Moodle",
                                     deployment_ids=[lms.deployment_id], **lms.urls)
    binding = ContextBinding.objects.create(platform=platform, context_id="c-1", cohort=cohort)
    module = ModuleFactory(version=CourseVersionFactory(course=CourseFactory(school=cohort.school)), slug="triage")
    item = ItemFactory(case=CaseFactory(module=module))
    AssignmentFactory(cohort=cohort, course=module.version.course)
    Placement.objects.create(context=binding, resource_link_id="rl-1", course=module.version.course,
                             module_slug="triage", title="Triage", lineitem_url=lms.base + "/lineitems/1")
    trainee = UserFactory()
    Enrollment.objects.create(cohort=cohort, user=trainee)
    LtiIdentity.objects.create(platform=platform, sub="lms-trainee", user=trainee)
    attempt = quiz.attempt_start(trainee=trainee, module=module)
    response, _c = quiz.response_submit(attempt=attempt, item=item, answer={"answer": "b"})
    quiz.response_grade(response_id=response.pk)
    lms.trust_tool_keys(selectors.jwks(school_id=cohort.school_id))
    return trainee


@live_db
def test_the_worker_sends_the_score_and_retries_while_the_lms_is_down(celery_processes, lms, graded):
    lms.fail_scores = 2
    worker = celery_processes.worker()
    with transaction.atomic():
        assert grades.passbacks_detect() == 1  # published once this commits
    wait_until(lambda: lms.scores.get("1"), what="the platform to receive the score", processes=[worker], timeout=40)
    [score] = lms.scores["1"]
    assert (score["userId"], score["scoreGiven"]) == ("lms-trainee", 100)
    wait_until(lambda: ScorePassback.objects.get().status == ScorePassback.Status.SENT, what="the row marked sent",
               processes=[worker])
    row = ScorePassback.objects.get()
    assert (row.tries, row.sent_score, row.last_error) == (3, 1.0, "")
    assert re.findall(r"lti\.send_score_v1\[[^\]]+\] retry: Retry in (\d+)s: PlatformUnavailable",
                      worker.log_text()) == ["2", "4"]
