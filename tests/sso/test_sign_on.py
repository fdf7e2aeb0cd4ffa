"""Signing in through a school's identity provider: a real pysaml2 IdP on loopback."""
import requests

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


def test_the_school_s_attribute_mapping_fills_the_names_email_and_student_number(client, school_idp, school):
    sign_on(client, school.slug)
    user = User.objects.get(sso_identities__idp=school_idp)
    assert (user.first_name, user.last_name, user.email) == ("Jeanne", "Dupont", "jeanne.dupont@univ.example")
    assert SsoIdentity.objects.get(user=user).identifier == "jdupont@univ.example"
    assert Membership.objects.get(school=school, user=user).student_number == "20231234"


def test_a_second_sign_on_updates_the_names_of_the_same_member(client, school_idp, school, idp):
    sign_on(client, school.slug)
    client.logout()
    idp.person["sn"] = "Dupont-Martin"
    sign_on(client, school.slug)
    user = User.objects.get(sso_identities__idp=school_idp)
    assert User.objects.filter(sso_identities__idp=school_idp).count() == 1
    assert user.last_name == "Dupont-Martin"
    assert AuditEvent.objects.filter(action="sso.member.update", subject=user, detail__fields=["last_name"]).exists()


def test_the_persistent_name_id_may_be_the_identifier(client, school, idp):
    from .conftest import register
    provider = register(school, idp, client, identifier_attribute="")
    sign_on(client, school.slug)
    assert SsoIdentity.objects.get(idp=provider).identifier == "p-7f3a9c"


def test_a_missing_identifier_attribute_is_refused_saying_which(client, school, idp):
    from .conftest import register
    register(school, idp, client, identifier_attribute="eduPersonUniqueId")
    answer = sign_on(client, school.slug)
    assert answer.status_code == 403
    assert b"did not send the attribute that identifies you" in answer.content
    assert not User.objects.exists()


def test_a_jit_member_has_no_usable_password(client, school_idp, school):
    sign_on(client, school.slug)
    assert not User.objects.get(sso_identities__idp=school_idp).has_usable_password()


def test_an_identity_of_the_same_name_at_another_school_s_idp_is_another_person(
        client, school_idp, school, other_idp):
    from tests.factories import SchoolFactory
    from .conftest import register
    school_b = SchoolFactory(slug="univ-b")
    register(school_b, other_idp, client)
    sign_on(client, school.slug)
    client.logout()
    sign_on(client, school_b.slug)  # the same eduPersonPrincipalName, asserted by B's identity provider
    first, second = User.objects.filter(sso_identities__isnull=False).order_by("pk")
    assert first != second
    assert set(Membership.objects.filter(user=second).values_list("school__slug", flat=True)) == {"univ-b"}
    assert set(Membership.objects.filter(user=first).values_list("school__slug", flat=True)) == {"univ-a"}


def test_single_logout_signs_out_here_and_at_the_identity_provider(client, school_idp, school, idp):
    sign_on(client, school.slug)
    start = client.get(f"/sso/{school.slug}/logout/")
    assert start.status_code == 302 and start["Location"].startswith(f"{idp.base}/slo/redirect?")
    back = requests.get(start["Location"], allow_redirects=False, timeout=10)
    assert back.status_code == 302 and idp.logouts == 1
    done = client.get(back.headers["Location"])
    assert done.status_code == 302
    assert "_auth_user_id" not in client.session


def test_the_site_s_sign_out_button_goes_on_to_the_identity_provider_s_single_logout(client, school_idp, school, idp):
    sign_on(client, school.slug)
    answer = client.post("/accounts/logout/")
    assert answer.status_code == 302 and answer["Location"] == f"/sso/{school.slug}/logout/"
    start = client.get(answer["Location"])
    assert start["Location"].startswith(f"{idp.base}/slo/redirect?")


def test_the_sign_out_button_ends_a_password_session_here(client, school):
    from tests.factories import UserFactory
    client.force_login(UserFactory())
    answer = client.post("/accounts/logout/")
    assert answer.status_code == 302 and "_auth_user_id" not in client.session


def test_an_attribute_sent_under_its_oid_is_found_by_its_friendly_name(client, school_idp, school, idp):
    del idp.person["supannEtuId"]
    idp.person["urn:oid:1.3.6.1.4.1.7135.1.2.1.10"] = "20239999"  # as Renater's IdPs send SupAnn's
    sign_on(client, school.slug)
    user = User.objects.get(sso_identities__idp=school_idp)
    assert Membership.objects.get(school=school, user=user).student_number == "20239999"


def _rostered(school, **fields):
    from tests.factories import MembershipFactory, UserFactory
    user = UserFactory(email=fields.pop("email", "someone@else.example"))
    MembershipFactory(school=school, user=user, role="trainee", **fields)
    return user


def test_a_first_sign_on_takes_over_the_rostered_account_with_the_same_student_number(client, school, idp):
    from .conftest import register
    register(school, idp, client, link_accounts="student_number")
    rostered = _rostered(school, student_number="20231234")
    sign_on(client, school.slug)
    assert SsoIdentity.objects.get().user == rostered
    assert AuditEvent.objects.filter(action="sso.member.link", subject=rostered).exists()


def test_a_first_sign_on_takes_over_the_account_with_the_same_e_mail_when_the_school_chose_so(client, school, idp):
    from .conftest import register
    register(school, idp, client, link_accounts="email")
    rostered = _rostered(school, email="Jeanne.Dupont@univ.example")
    sign_on(client, school.slug)
    assert client.session["_auth_user_id"] == str(rostered.pk)


def test_accounts_are_never_linked_by_default(client, school_idp, school):
    rostered = _rostered(school, student_number="20231234")
    sign_on(client, school.slug)
    assert SsoIdentity.objects.get().user != rostered


def test_an_account_of_another_school_too_is_never_taken_over(client, school, idp):
    from tests.factories import MembershipFactory
    from .conftest import register
    register(school, idp, client, link_accounts="email")
    rostered = _rostered(school, email="jeanne.dupont@univ.example")
    MembershipFactory(user=rostered, role="trainee")  # also a trainee of another school
    sign_on(client, school.slug)
    assert SsoIdentity.objects.get().user != rostered


def test_an_admin_account_is_never_taken_over(client, school, idp):
    from tests.factories import MembershipFactory
    from .conftest import register
    register(school, idp, client, link_accounts="email")
    rostered = _rostered(school, email="jeanne.dupont@univ.example")
    MembershipFactory(school=school, user=rostered, role="admin")
    sign_on(client, school.slug)
    assert SsoIdentity.objects.get().user != rostered


def test_two_accounts_with_the_same_e_mail_link_neither(client, school, idp):
    from .conftest import register
    register(school, idp, client, link_accounts="email")
    first = _rostered(school, email="jeanne.dupont@univ.example")
    second = _rostered(school, email="jeanne.dupont@univ.example")
    sign_on(client, school.slug)
    assert SsoIdentity.objects.get().user not in (first, second)
