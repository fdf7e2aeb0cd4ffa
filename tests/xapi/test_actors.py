"""Trainees are named in statements as their school chose: their LMS identifier, their
single sign-on identifier, or a pseudonym; never their e-mail, and nothing once erased."""
import json

import pytest
from ralph.models.xapi.base.statements import BaseXapiStatement

from lti.models import LtiIdentity, Platform
from quizzes import services as quiz_services
from sso.models import IdentityProvider, SsoIdentity
from tests.factories import SchoolFactory
from xapi import statements as st
from xapi.models import LrsSettings, OutboxStatement

ISSUER = "https://moodle.school.example"
ENTITY = "urn:mace:school.example:idp"


def _platform(school, issuer=ISSUER):
    return Platform.objects.create(school=school, name="Moodle", issuer=issuer, client_id="vigil",
                                   auth_login_url=issuer + "/auth", auth_token_url=issuer + "/token",
                                   keyset_url=issuer + "/certs")


def _idp(school, entity_id=ENTITY):
    return IdentityProvider.objects.create(school=school, name="School SSO", entity_id=entity_id)


def _actors(trainee, module):
    quiz_services.attempt_start(trainee=trainee, module=module)
    return [row.statement["actor"] for row in OutboxStatement.objects.all()]


def _mode(lrs, mode):
    LrsSettings.objects.filter(pk=lrs.pk).update(actor_mode=mode)


def test_in_lms_mode_the_trainee_is_their_lti_sub_under_the_platforms_issuer(lrs, school, trainee, module):
    _mode(lrs, "lms")
    LtiIdentity.objects.create(platform=_platform(school), sub="f3a9-lms-42", user=trainee)
    [actor] = _actors(trainee, module)
    assert actor["account"] == {"homePage": ISSUER, "name": "f3a9-lms-42"}


def test_in_sso_mode_the_trainee_is_their_identifier_under_the_idps_entity_id(lrs, school, trainee, module):
    _mode(lrs, "sso")
    SsoIdentity.objects.create(idp=_idp(school), identifier="t.rainee@school.example", user=trainee)
    quiz_services.attempt_start(trainee=trainee, module=module)
    row = OutboxStatement.objects.get()
    assert row.statement["actor"]["account"] == {"homePage": ENTITY, "name": "t.rainee@school.example"}
    BaseXapiStatement(**row.statement)  # an entity id that is a URN is an IRI, as homePage must be


def test_a_member_the_lms_does_not_know_is_given_the_pseudonym(lrs, trainee, module):
    _mode(lrs, "lms")
    [actor] = _actors(trainee, module)
    lrs.refresh_from_db()
    assert actor["account"] == {"homePage": lrs.home_page, "name": st.pseudonym(key=lrs.pseudonym_key,
                                                                                user_id=trainee.pk)}


def test_an_identifier_of_another_school_is_not_used(lrs, trainee, module):
    _mode(lrs, "lms")
    LtiIdentity.objects.create(platform=_platform(SchoolFactory()), sub="other-school-sub", user=trainee)
    [actor] = _actors(trainee, module)
    assert "other-school-sub" not in json.dumps(actor)


def test_an_sso_identifier_that_is_the_members_email_is_never_sent(lrs, school, trainee, module):
    _mode(lrs, "sso")
    trainee.email = "Trainee@School.example"
    trainee.save()
    SsoIdentity.objects.create(idp=_idp(school), identifier="trainee@school.example", user=trainee)
    [actor] = _actors(trainee, module)
    assert "school.example" not in actor["account"]["name"].lower()


def test_of_several_platforms_the_first_registered_names_the_member(lrs, school, trainee, module):
    _mode(lrs, "lms")
    first, second = _platform(school), _platform(school, issuer="https://canvas.school.example")
    LtiIdentity.objects.create(platform=second, sub="canvas-sub", user=trainee)
    LtiIdentity.objects.create(platform=first, sub="moodle-sub", user=trainee)
    [actor] = _actors(trainee, module)
    assert actor["account"] == {"homePage": ISSUER, "name": "moodle-sub"}


@pytest.mark.parametrize("mode", ["lms", "sso", "pseudonym"])
def test_no_actor_is_the_username_or_the_email(lrs, school, trainee, module, mode):
    _mode(lrs, mode)
    trainee.email = "ada@school.example"
    trainee.save()
    LtiIdentity.objects.create(platform=_platform(school), sub="sub-1", user=trainee)
    SsoIdentity.objects.create(idp=_idp(school), identifier="ada-sso", user=trainee)
    text = json.dumps(_actors(trainee, module))
    assert trainee.username not in text and trainee.email not in text


def test_an_erased_member_is_named_in_no_further_statement(lrs, school, trainee, module):
    from privacy.services import member_erase
    from schools.models import Membership
    from tests.factories import UserFactory

    Membership.objects.get_or_create(user=trainee, school=school)
    member_erase(subject=trainee, school=school, actor=UserFactory(is_superuser=True))
    trainee.refresh_from_db()
    assert trainee.is_erased
    assert _actors(trainee, module) == []
