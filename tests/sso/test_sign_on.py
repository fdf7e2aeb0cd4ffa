"""Signing in through a school's identity provider: a real pysaml2 IdP on loopback."""
from schools.models import AuditEvent, Membership

from accounts.models import User
from sso.models import SsoIdentity

from .conftest import sign_on


def test_first_sign_on_creates_the_member_in_the_school_and_signs_them_in(client, school_idp, school):
    answer = sign_on(client, school.slug)
    assert answer.status_code == 302 and answer["Location"] == "/"
    user = User.objects.get(sso_identities__idp=school_idp)
    assert client.session["_auth_user_id"] == str(user.pk)
    assert Membership.objects.filter(school=school, user=user, role="trainee").exists()
