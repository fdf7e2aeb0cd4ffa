"""Erasure: what identifies a member goes, their results stay under a pseudonym, so every
cohort figure is unchanged (GDPR article 17)."""
from datetime import datetime, timezone

import pytest
from django.db import transaction

from accounts.models import User
from cohorts import services as cohort_services
from cohorts.models import Attestation
from cohorts.selectors.dashboard import cohort_dashboard, cohort_course_ids
from cohorts.selectors.reliance import cohort_reliance_overview, cohort_trainee_key_figures
from privacy import services
from privacy.models import PrivacyPolicy
from quizzes.models import Grade, Response
from schools.models import AuditEvent, Membership, Role
from tests.cohorts.test_dashboard_selectors import answer, populate, world
from tests.factories import CaseFactory, ItemFactory, MembershipFactory, SchoolFactory
from training.errors import ApplicationError, Conflict

pytestmark = pytest.mark.django_db
NOW = datetime(2030, 1, 1, tzinfo=timezone.utc)


@pytest.fixture
def w():
    w = populate(world())
    w.admin = MembershipFactory(school=w.cohort.school, role=Role.ADMIN).user
    return w


NAME_KEYS = {"name", "username", "first_name", "last_name", "email", "display_name", "initials"}


def _without_names(value):
    """The figures with who they are about reduced to ids (the names are what erasure changes)."""
    if isinstance(value, User):
        return value.pk
    if isinstance(value, dict):
        return {k: _without_names(v) for k, v in value.items() if k not in NAME_KEYS}
    if isinstance(value, (list, tuple)):
        return [_without_names(v) for v in value]
    return value


def _figures(w):
    ids = cohort_course_ids(cohort=w.cohort)
    return _without_names({
        "overview": cohort_reliance_overview(cohort=w.cohort, course_ids=ids),
        "trainees": cohort_trainee_key_figures(cohort=w.cohort, course_ids=ids),
        "dashboard": cohort_dashboard(cohort=w.cohort, now=NOW),
    })


def test_cohort_figures_are_identical_before_and_after_an_erasure(w):
    before = _figures(w)
    services.member_erase(subject=w.people["alice"], school=w.cohort.school, actor=w.admin)
    assert _figures(w) == before


def test_identifying_data_is_replaced_by_a_pseudonym(w):
    alice = w.people["alice"]
    Membership.objects.filter(user=alice).update(student_number="S-123")
    pseudonym = services.member_erase(subject=alice, school=w.cohort.school, actor=w.admin)
    alice.refresh_from_db()
    assert (alice.username, alice.first_name, alice.last_name, alice.email) == (pseudonym, "", "", "")
    assert not alice.is_active and not alice.has_usable_password()
    assert set(Membership.objects.filter(user=alice).values_list("student_number", flat=True)) == {""}


def test_written_answers_and_comments_are_erased_but_their_grades_stay(w):
    alice = w.people["alice"]
    case = CaseFactory(module=w.module_a)
    item = ItemFactory(case=case, slug="ft", type="free_text",
                       spec={"prompt": "Why?", "criteria": [{"id": "c", "points": 1, "keywords": ["x"]}]})
    response = Response.objects.filter(attempt__trainee=alice).first()
    free = Response.objects.create(attempt=response.attempt, item=item, state=Response.State.GRADED,
                                   answer={"text": "I, Alice Archer, think so."}, submitted_at=response.submitted_at)
    Grade.objects.create(response=free, score=0.5, grader_version="t", graded_at=response.submitted_at,
                         comment="Well argued, Alice.")
    services.member_erase(subject=alice, school=w.cohort.school, actor=w.admin)
    free.refresh_from_db()
    assert free.answer == {"text": ""}
    assert free.grade.comment == "" and free.grade.score == 0.5


def test_the_audit_log_keeps_its_events_with_the_names_replaced(w):
    alice = w.people["alice"]
    event = AuditEvent.objects.create(actor=w.admin, action="cohort.trainee.read", cohort=w.cohort, subject=alice,
                                      detail={"shown": ["alice", "bob"], "note": "Alice Archer"})
    pseudonym = services.member_erase(subject=alice, school=w.cohort.school, actor=w.admin)
    event.refresh_from_db()
    assert event.detail == {"shown": [pseudonym, "bob"], "note": pseudonym}


def test_the_erasure_is_audited_without_the_erased_identity(w):
    alice = w.people["alice"]
    services.member_erase(subject=alice, school=w.cohort.school, actor=w.admin, reason="asked by e-mail")
    event = AuditEvent.objects.get(action="privacy.member.erase")
    assert event.actor == w.admin and event.subject_id == alice.pk
    text = str(event.detail)
    assert "alice" not in text.lower() and "archer" not in text.lower()


def _attestation(w):
    answer(w, w.people["alice"], "R4", decision="accept", confidence=80)  # her last one: completed
    with transaction.atomic():
        issued = cohort_services.attestations_issue(cohort=w.cohort, course=w.course, issued_by=w.admin)
    return [a for a in issued if a.trainee_id == w.people["alice"].pk]


def test_attestations_stay_valid_under_the_pseudonym_by_default(w):
    issued = _attestation(w)
    assert issued, "alice completed the course"
    pseudonym = services.member_erase(subject=w.people["alice"], school=w.cohort.school, actor=w.admin)
    attestation = Attestation.objects.get(pk=issued[0].pk)
    assert attestation.is_valid and attestation.holder_name == pseudonym and attestation.student_number == ""


def test_attestations_are_revoked_when_the_school_says_so(w):
    issued = _attestation(w)
    PrivacyPolicy.objects.create(school=w.cohort.school, attestations_on_erasure=PrivacyPolicy.OnErasure.REVOKE)
    services.member_erase(subject=w.people["alice"], school=w.cohort.school, actor=w.admin)
    assert not Attestation.objects.get(pk=issued[0].pk).is_valid


def test_a_member_of_another_school_too_is_refused(w):
    other = SchoolFactory(name="Other school")
    MembershipFactory(school=other, user=w.people["alice"], role=Role.TRAINEE)
    with pytest.raises(Conflict, match="Other school"):
        services.member_erase(subject=w.people["alice"], school=w.cohort.school, actor=w.admin)
    w.people["alice"].refresh_from_db()
    assert w.people["alice"].username == "alice"


def test_an_admin_cannot_erase_themselves(w):
    with pytest.raises(ApplicationError):
        services.member_erase(subject=w.admin, school=w.cohort.school, actor=w.admin)


def test_a_second_erasure_is_refused(w):
    services.member_erase(subject=w.people["alice"], school=w.cohort.school, actor=w.admin)
    with pytest.raises(Conflict):
        services.member_erase(subject=w.people["alice"], school=w.cohort.school, actor=w.admin)


def test_the_identifiers_an_identity_provider_or_an_lms_knows_a_member_by_are_erased(w):
    from lti.models import LtiIdentity, Platform
    from sso.models import IdentityProvider, SsoIdentity

    alice, school = w.people["alice"], w.cohort.school
    idp = IdentityProvider.objects.create(school=school, name="ENT", entity_id="https://idp.example/")
    SsoIdentity.objects.create(idp=idp, identifier="alice@univ.example", user=alice)
    platform = Platform.objects.create(school=school, name="Moodle", issuer="https://lms.example", client_id="c",
                                       auth_login_url="https://lms.example/auth", keyset_url="https://lms.example/k",
                                       auth_token_url="https://lms.example/token")
    LtiIdentity.objects.create(platform=platform, sub="lms-42", user=alice)
    services.member_erase(subject=alice, school=school, actor=w.admin)
    assert not SsoIdentity.objects.filter(user=alice).exists() and not LtiIdentity.objects.filter(user=alice).exists()
